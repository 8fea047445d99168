import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { deployOptionsFromContext } from '../lib/context';
import { SpendSenseStack } from '../lib/spendsense-stack';

export const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/abc';

/** cdk.json's feature flags: the tests synthesize what `cdk synth` would. */
const featureFlags = (JSON.parse(readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

/**
 * The stack as bin/spendsense.ts builds it from `-c name=value` context. Asset staging is off: the
 * image's hash is still computed from the repository, without copying it into each assembly.
 */
export function synthFromContext(context: Record<string, unknown>): Template {
  const app = new cdk.App({ context: { ...featureFlags, 'aws:cdk:disable-asset-staging': true, ...context } });
  const stack = new SpendSenseStack(app, 'SpendSense', deployOptionsFromContext(app.node));
  return Template.fromStack(stack);
}

type Resource = { Type: string; Properties?: Record<string, unknown>; DependsOn?: string | string[] };

export function resources(template: Template): Record<string, Resource> {
  return template.toJSON().Resources as Record<string, Resource>;
}

/** The single resource of `type` whose logical id starts with `prefix`. */
export function one(template: Template, type: string, prefix = ''): [string, Resource] {
  const found = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(prefix)) as Array<[string, Resource]>;
  if (found.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${found.map(([id]) => id).join(', ') || 'none'}`);
  return found[0]!;
}

/** Every logical id a value refers to (Ref, Fn::GetAtt, ${…} in Fn::Sub). */
export function referencedIds(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedIds(item, into);
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') into.add(inner);
      else if (key === 'Fn::GetAtt') into.add(Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0]!);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? String(inner[0]) : String(inner);
        for (const match of text.matchAll(/\$\{([^}!.]+)/g)) into.add(match[1]!);
        if (Array.isArray(inner)) referencedIds(inner[1], into);
      } else referencedIds(inner, into);
    }
  }
  return into;
}

/** Resource -> the resources it waits for (DependsOn and references), as CloudFormation orders them. */
export function dependencyGraph(template: Template): Map<string, Set<string>> {
  const all = resources(template);
  const graph = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(all)) {
    const dependsOn = resource.DependsOn === undefined ? [] : ([] as string[]).concat(resource.DependsOn);
    const edges = new Set([...referencedIds(resource.Properties ?? {}), ...dependsOn].filter((other) => other in all));
    graph.set(id, edges);
  }
  return graph;
}

/** Whether `from` waits, directly or through others, for `to`. */
export function waitsFor(graph: Map<string, Set<string>>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const current = stack.pop()!;
    for (const next of graph.get(current) ?? []) {
      if (next === to) return true;
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return false;
}

/** A dependency cycle, which CloudFormation refuses at deploy time and synth does not notice. */
export function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'open');
    path.push(id);
    for (const next of graph.get(id) ?? []) {
      if (state.get(next) === 'open') return [...path.slice(path.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of graph.keys()) {
    if (!state.has(id)) {
      const cycle = visit(id);
      if (cycle) return cycle;
    }
  }
  return undefined;
}

type ContainerDefinition = {
  Name: string;
  Image: unknown;
  Command?: string[];
  Environment?: Array<{ Name: string; Value: unknown }>;
  Secrets?: Array<{ Name: string; ValueFrom: unknown }>;
  PortMappings?: Array<{ ContainerPort: number }>;
  HealthCheck?: { Command: string[] };
};

/** The container named `name`, from whichever task definition holds it. */
export function container(template: Template, name: string): { taskDefinitionId: string; definition: ContainerDefinition } {
  for (const [id, resource] of Object.entries(template.findResources('AWS::ECS::TaskDefinition'))) {
    const definitions = (resource as Resource).Properties!.ContainerDefinitions as ContainerDefinition[];
    const definition = definitions.find((candidate) => candidate.Name === name);
    if (definition) return { taskDefinitionId: id, definition };
  }
  throw new Error(`no container named ${name}`);
}

export function environmentOf(definition: ContainerDefinition): Record<string, unknown> {
  return Object.fromEntries((definition.Environment ?? []).map(({ Name, Value }) => [Name, Value]));
}

/** Secret name -> the logical ids its ValueFrom refers to. */
export function secretSourcesOf(definition: ContainerDefinition): Record<string, string[]> {
  return Object.fromEntries((definition.Secrets ?? []).map(({ Name, ValueFrom }) => [Name, [...referencedIds(ValueFrom)]]));
}
