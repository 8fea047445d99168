// @ts-check
// Runs the migration task (`node dist/cli/migrate.js`, as the database owner) once and waits for
// it to stop. Invoked by a CDK trigger during `cdk deploy`, before the ECS service rolls: if the
// task does not exit 0, this throws, the trigger fails, and CloudFormation rolls the deployment back.

/**
 * @typedef {{ name?: string, exitCode?: number, reason?: string }} Container
 * @typedef {{ taskArn?: string, lastStatus?: string, stoppedReason?: string, containers?: Container[] }} Task
 * @typedef {{ arn?: string, reason?: string, detail?: string }} Failure
 * @typedef {{
 *   runTask(input: object): Promise<{ tasks?: Task[], failures?: Failure[] }>,
 *   describeTasks(input: { cluster: string, tasks: string[] }): Promise<{ tasks?: Task[], failures?: Failure[] }>,
 * }} EcsApi  the two calls of @aws-sdk/client-ecs's ECS client this needs
 * @typedef {{
 *   cluster: string, taskDefinition: string, containerName: string, subnets: string[],
 *   securityGroups: string[], logGroup: string, deadline: number, pollMs: number,
 * }} Settings
 * @typedef {{ now(): number, sleep(ms: number): Promise<void> }} Clock
 */

/** @type {Clock} */
const realClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/** @param {Failure[] | undefined} failures */
const describeFailures = (failures) => (failures ?? []).map((f) => [f.reason, f.detail, f.arn].filter(Boolean).join(' ')).join('; ');

/**
 * @param {EcsApi} ecs
 * @param {Settings} settings
 * @param {Clock} clock
 * @returns {Promise<{ taskArn: string, exitCode: 0 }>}
 */
export async function runMigrationTask(ecs, settings, clock = realClock) {
  const started = await ecs.runTask({
    cluster: settings.cluster,
    taskDefinition: settings.taskDefinition,
    launchType: 'FARGATE',
    count: 1,
    startedBy: 'spendsense-deploy',
    networkConfiguration: {
      awsvpcConfiguration: { subnets: settings.subnets, securityGroups: settings.securityGroups, assignPublicIp: 'DISABLED' },
    },
  });
  const taskArn = started.tasks?.[0]?.taskArn;
  if (!taskArn) throw new Error(`The migration task did not start: ${describeFailures(started.failures) || 'ECS returned no task'}`);
  const taskId = taskArn.split('/').pop();
  const logs = `log group ${settings.logGroup}, stream migrate/${settings.containerName}/${taskId}`;
  console.log(JSON.stringify({ msg: 'migration task started', taskArn }));

  for (;;) {
    const described = await ecs.describeTasks({ cluster: settings.cluster, tasks: [taskArn] });
    // Right after RunTask, DescribeTasks may not know the task yet (MISSING): ask again.
    const task = described.tasks?.[0];
    if (task?.lastStatus === 'STOPPED') {
      const container = task.containers?.find((candidate) => candidate.name === settings.containerName);
      if (container?.exitCode === 0) {
        console.log(JSON.stringify({ msg: 'migration task succeeded', taskArn }));
        return { taskArn, exitCode: 0 };
      }
      const why = [container?.exitCode === undefined ? 'no exit code' : `exit code ${container.exitCode}`, container?.reason, task.stoppedReason]
        .filter(Boolean)
        .join('; ');
      throw new Error(`The migration task ${taskId} failed (${why}): the service keeps its current version. See ${logs}.`);
    }
    if (clock.now() + settings.pollMs > settings.deadline) {
      throw new Error(
        `The migration task ${taskId} was still ${task?.lastStatus ?? 'unknown'} when this deployment step ran out of time; ` +
          `it keeps running and the deployment rolls back. See ${logs}.`,
      );
    }
    await clock.sleep(settings.pollMs);
  }
}

/** @param {string} name */
function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/**
 * @param {unknown} _event
 * @param {{ getRemainingTimeInMillis(): number }} context
 */
export async function handler(_event, context) {
  // The SDK comes with the Lambda Node.js runtime; a variable keeps type checkers from looking for it here.
  const sdk = '@aws-sdk/client-ecs';
  const { ECS } = await import(sdk);
  return runMigrationTask(new ECS({}), {
    cluster: required('CLUSTER_ARN'),
    taskDefinition: required('TASK_DEFINITION_ARN'),
    containerName: required('CONTAINER_NAME'),
    subnets: required('SUBNET_IDS').split(','),
    securityGroups: required('SECURITY_GROUP_IDS').split(','),
    logGroup: required('LOG_GROUP_NAME'),
    // Stop polling with time left to report why, rather than be cut off by the Lambda timeout.
    deadline: Date.now() + context.getRemainingTimeInMillis() - 20_000,
    pollMs: 5_000,
  });
}
