import * as cdk from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

export interface ObservabilityProps {
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly cluster: ecs.ICluster;
  readonly service: ecs.FargateService;
  readonly database: rds.DatabaseInstance;
  readonly replica: rds.DatabaseInstanceReadReplica | undefined;
  readonly alarmEmail: string | undefined;
}

/**
 * Thresholds. db.t4g.small (2 GiB) allows about 190 connections (RDS: memory / 9,531,392 bytes);
 * six tasks at most hold 6 × (10 + 3) = 78, so 150 means something leaks or piles up.
 */
const thresholds = {
  errorRatePercent: 5,
  /** Below this many requests a minute, a handful of 5xx is not a rate. */
  errorRateMinimumRequests: 20,
  p99Seconds: 1,
  cpuPercent: 85,
  memoryPercent: 85,
  databaseConnections: 150,
  databaseCpuPercent: 80,
  freeStorageBytes: 2 * 1024 ** 3,
  replicaLagSeconds: 60,
};

/**
 * The alarm topic, the alarms (each notifies on ALARM and on OK) and one dashboard with the same
 * metrics. Mail is optional (`-c alarmEmail=…`); anything else (chat, paging) subscribes to the
 * topic.
 */
export function createObservability(scope: Construct, props: ObservabilityProps) {
  const topic = new sns.Topic(scope, 'AlarmTopic', { displayName: 'SpendSense alarms', enforceSSL: true });
  if (props.alarmEmail) topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
  const notify = new actions.SnsAction(topic);

  const minute = cdk.Duration.minutes(1);
  const fiveMinutes = cdk.Duration.minutes(5);
  const lb = props.loadBalancer.metrics;
  const tg = props.targetGroup.metrics;

  const requests = lb.requestCount({ period: minute, statistic: 'Sum' });
  const target5xx = tg.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: minute, statistic: 'Sum' });
  // 502/503/504 the load balancer answers itself (no healthy target, a task that hung up).
  const elb5xx = lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: minute, statistic: 'Sum' });
  const errorRate = new cloudwatch.MathExpression({
    label: '5xx rate (%)',
    expression: `IF(requests >= ${thresholds.errorRateMinimumRequests}, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)`,
    usingMetrics: { requests, target5xx, elb5xx },
    period: minute,
  });
  const p99 = tg.targetResponseTime({ period: minute, statistic: 'p99', label: 'p99' });
  const p50 = tg.targetResponseTime({ period: minute, statistic: 'p50', label: 'p50' });
  const unhealthy = tg.unhealthyHostCount({ period: minute, statistic: 'Maximum' });
  const healthy = tg.healthyHostCount({ period: minute, statistic: 'Minimum' });
  const cpu = props.service.metricCpuUtilization({ period: fiveMinutes, statistic: 'Average' });
  const memory = props.service.metricMemoryUtilization({ period: fiveMinutes, statistic: 'Average' });
  const connections = props.database.metricDatabaseConnections({ period: fiveMinutes, statistic: 'Maximum' });
  const databaseCpu = props.database.metricCPUUtilization({ period: fiveMinutes, statistic: 'Average' });
  const freeStorage = props.database.metricFreeStorageSpace({ period: fiveMinutes, statistic: 'Minimum' });
  const replicaLag = props.replica?.metric('ReplicaLag', { period: minute, statistic: 'Maximum' });
  // Container Insights: tasks running in the service.
  const runningTasks = new cloudwatch.Metric({
    namespace: 'ECS/ContainerInsights',
    metricName: 'RunningTaskCount',
    dimensionsMap: { ClusterName: props.cluster.clusterName, ServiceName: props.service.serviceName },
    period: minute,
    statistic: 'Minimum',
  });

  const alarms: cloudwatch.Alarm[] = [];
  const alarm = (id: string, description: string, metric: cloudwatch.Metric | cloudwatch.MathExpression, options: Omit<cloudwatch.CreateAlarmOptions, 'alarmDescription'>) => {
    const created = metric.createAlarm(scope, id, { alarmDescription: description, ...options });
    created.addAlarmAction(notify);
    created.addOkAction(notify);
    alarms.push(created);
    return created;
  };
  const above = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
  const atLeast = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
  const below = cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD;
  const quietIsFine = cloudwatch.TreatMissingData.NOT_BREACHING;

  alarm('ErrorRateAlarm', `More than ${thresholds.errorRatePercent} % of requests answered 5xx (target or load balancer), 3 of 5 minutes`, errorRate, {
    threshold: thresholds.errorRatePercent, comparisonOperator: above, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: quietIsFine,
  });
  alarm('LatencyP99Alarm', `p99 target response time above ${thresholds.p99Seconds} s, 3 of 5 minutes`, p99, {
    threshold: thresholds.p99Seconds, comparisonOperator: above, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: quietIsFine,
  });
  alarm('UnhealthyTargetsAlarm', 'A task has failed the /readyz health check for 5 minutes', unhealthy, {
    threshold: 1, comparisonOperator: atLeast, evaluationPeriods: 5, treatMissingData: quietIsFine,
  });
  alarm('NoHealthyTargetsAlarm', 'No task passes /readyz: the API is down', healthy, {
    threshold: 1, comparisonOperator: below, evaluationPeriods: 2, treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  });
  alarm('ServiceCpuAlarm', `Service CPU above ${thresholds.cpuPercent} % for 15 minutes (autoscaling at its maximum?)`, cpu, {
    threshold: thresholds.cpuPercent, comparisonOperator: above, evaluationPeriods: 3,
  });
  alarm('ServiceMemoryAlarm', `Service memory above ${thresholds.memoryPercent} % for 15 minutes`, memory, {
    threshold: thresholds.memoryPercent, comparisonOperator: above, evaluationPeriods: 3,
  });
  alarm('DatabaseConnectionsAlarm', `More than ${thresholds.databaseConnections} database connections`, connections, {
    threshold: thresholds.databaseConnections, comparisonOperator: above, evaluationPeriods: 2,
  });
  alarm('DatabaseCpuAlarm', `Database CPU above ${thresholds.databaseCpuPercent} % for 15 minutes`, databaseCpu, {
    threshold: thresholds.databaseCpuPercent, comparisonOperator: above, evaluationPeriods: 3,
  });
  alarm('DatabaseFreeStorageAlarm', 'Less than 2 GiB of database storage free (storage autoscaling stops at 100 GiB)', freeStorage, {
    threshold: thresholds.freeStorageBytes, comparisonOperator: below, evaluationPeriods: 1,
  });
  if (replicaLag) {
    alarm('ReplicaLagAlarm', `The read replica is more than ${thresholds.replicaLagSeconds} s behind for 5 minutes`, replicaLag, {
      threshold: thresholds.replicaLagSeconds, comparisonOperator: above, evaluationPeriods: 5, treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
  }

  const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
    new cloudwatch.GraphWidget({ title, left, right, width: 8, height: 6 });
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    defaultInterval: cdk.Duration.hours(3),
    widgets: [
      [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms, width: 24, height: 3 })],
      [graph('Requests / minute and 5xx rate (%)', [requests], [errorRate]), graph('Target response time (s)', [p50, p99]), graph('Targets (/readyz)', [healthy, unhealthy])],
      [graph('Service CPU and memory (%)', [cpu, memory]), graph('Running tasks', [runningTasks]), graph('Database CPU (%)', [databaseCpu])],
      [graph('Database connections', [connections]), graph('Database free storage (bytes)', [freeStorage]), ...(replicaLag ? [graph('Replica lag (s)', [replicaLag])] : [])],
    ],
  });

  return { topic, alarms, dashboard };
}
