#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { DeployOptionError, deployOptionsFromContext } from '../lib/context';
import { SpendSenseStack } from '../lib/spendsense-stack';

const app = new cdk.App();

// Environment-agnostic on purpose: synth needs no AWS credentials and makes no context lookups;
// `cdk deploy` targets the account and region of the active AWS profile. The options come from
// `-c name=value` (deploy/README.md lists them); without a certificate, synth stops and says why.
try {
  new SpendSenseStack(app, 'SpendSense', {
    description: 'SpendSense API: ECS Fargate behind an ALB, RDS PostgreSQL, Secrets Manager',
    ...deployOptionsFromContext(app.node),
  });
} catch (error) {
  // A wrong or missing option: its message says what to pass; a stack trace would only bury it.
  if (!(error instanceof DeployOptionError)) throw error;
  console.error(`\n${error.message}\n`);
  process.exit(1);
}

cdk.Tags.of(app).add('project', 'spendsense');
