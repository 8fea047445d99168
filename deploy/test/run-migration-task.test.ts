// The trigger's function: starts the migration task and fails the deployment unless it exits 0.
// ECS is a scripted stand-in with the two calls the function makes; the clock is a fake one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runMigrationTask } from '../lambda/run-migration-task/index.mjs';

type Task = { taskArn?: string; lastStatus?: string; stoppedReason?: string; containers?: Array<{ name?: string; exitCode?: number; reason?: string }> };
type Answer = { tasks?: Task[]; failures?: Array<{ arn?: string; reason?: string; detail?: string }> };

const taskArn = 'arn:aws:ecs:eu-west-1:123456789012:task/spendsense/0123456789abcdef';
const settings = {
  cluster: 'arn:aws:ecs:eu-west-1:123456789012:cluster/spendsense',
  taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/SpendSenseMigrationTask:7',
  containerName: 'migrate',
  subnets: ['subnet-a', 'subnet-b'],
  securityGroups: ['sg-migrate'],
  logGroup: 'SpendSense-ApiLogs',
  deadline: 60_000,
  pollMs: 5_000,
};

/** ECS answering RunTask with `started` and DescribeTasks with `states` in turn. */
function scriptedEcs(started: Answer, states: Answer[]) {
  const calls: { runTask: object[]; describeTasks: object[] } = { runTask: [], describeTasks: [] };
  let next = 0;
  return {
    calls,
    ecs: {
      runTask: async (input: object) => (calls.runTask.push(input), started),
      describeTasks: async (input: { cluster: string; tasks: string[] }) => {
        calls.describeTasks.push(input);
        return states[Math.min(next++, states.length - 1)]!;
      },
    },
  };
}

function fakeClock() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

const running: Answer = { tasks: [{ taskArn, lastStatus: 'RUNNING' }] };
const stopped = (exitCode: number | undefined, extra: Partial<Task> = {}): Answer => ({
  tasks: [{ taskArn, lastStatus: 'STOPPED', containers: [{ name: 'migrate', ...(exitCode === undefined ? {} : { exitCode }) }], ...extra }],
});

describe('runMigrationTask', () => {
  it('starts one Fargate task in the app subnets without a public address, and returns once it exits 0', async () => {
    const { ecs, calls } = scriptedEcs({ tasks: [{ taskArn }] }, [{ tasks: [], failures: [{ arn: taskArn, reason: 'MISSING' }] }, running, stopped(0)]);
    assert.deepEqual(await runMigrationTask(ecs, settings, fakeClock()), { taskArn, exitCode: 0 });
    assert.deepEqual(calls.runTask, [
      {
        cluster: settings.cluster,
        taskDefinition: settings.taskDefinition,
        launchType: 'FARGATE',
        count: 1,
        startedBy: 'spendsense-deploy',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-migrate'], assignPublicIp: 'DISABLED' } },
      },
    ]);
    assert.equal(calls.describeTasks.length, 3);
  });

  it('fails with the exit code and where the log is when the migration fails', async () => {
    const { ecs } = scriptedEcs({ tasks: [{ taskArn }] }, [running, stopped(1, { stoppedReason: 'Essential container in task exited' })]);
    await assert.rejects(runMigrationTask(ecs, settings, fakeClock()), (error: Error) => {
      assert.match(error.message, /The migration task 0123456789abcdef failed \(exit code 1; Essential container in task exited\)/);
      assert.match(error.message, /stream migrate\/migrate\/0123456789abcdef/);
      return true;
    });
  });

  it('fails when the container never ran (no exit code), with ECS’s reason', async () => {
    const { ecs } = scriptedEcs({ tasks: [{ taskArn }] }, [stopped(undefined, { stoppedReason: 'CannotPullContainerError: pull access denied' })]);
    await assert.rejects(runMigrationTask(ecs, settings, fakeClock()), /no exit code; CannotPullContainerError/);
  });

  it('fails when ECS does not start the task, with its reason', async () => {
    const { ecs, calls } = scriptedEcs({ tasks: [], failures: [{ reason: 'RESOURCE:ENI', detail: 'no free addresses' }] }, []);
    await assert.rejects(runMigrationTask(ecs, settings, fakeClock()), /did not start: RESOURCE:ENI no free addresses/);
    assert.equal(calls.describeTasks.length, 0);
  });

  it('gives up before its deadline, saying the task keeps running', async () => {
    const { ecs, calls } = scriptedEcs({ tasks: [{ taskArn }] }, [running]);
    await assert.rejects(runMigrationTask(ecs, { ...settings, deadline: 30_000 }, fakeClock()), /still RUNNING .* keeps running/);
    // Asked at 0, 5, … 30 s: the next answer would come after the deadline.
    assert.equal(calls.describeTasks.length, 7);
  });
});
