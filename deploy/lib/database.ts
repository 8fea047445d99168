import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { appSubnets, databaseSubnets } from './network';

export const DATABASE_NAME = 'spendsense';
/** The owner: runs the migrations, owns every table. Only the migration task gets its secret. */
export const OWNER_USER = 'spendsense';
/** The application's login: becomes spendsense_app (row-level security), owns nothing. */
export const APP_LOGIN_USER = 'spendsense_api';
/** How often Secrets Manager rotates both database secrets. */
export const ROTATION_PERIOD = cdk.Duration.days(30);
export const DATABASE_PORT = 5432;

/**
 * URL-reserved characters stay out of generated passwords as a second line of defence: the app
 * percent-encodes user and password when it builds its URL anyway.
 */
const passwordExclusions = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\=,^';
const instanceType = ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL);

export interface Database {
  readonly instance: rds.DatabaseInstance;
  readonly replica: rds.DatabaseInstanceReadReplica | undefined;
  readonly securityGroup: ec2.SecurityGroup;
  readonly parameterGroup: rds.ParameterGroup;
  /** The owner's credentials, with host and port (RDS adds them). */
  readonly ownerSecret: secretsmanager.ISecret;
  /** The app login's credentials, attached to the instance (so it has host and port too). */
  readonly appSecret: secretsmanager.ISecret;
  /** Both rotations: they must not start before the migration task has created the app login. */
  readonly rotations: readonly secretsmanager.SecretRotation[];
}

export function createDatabase(scope: Construct, vpc: ec2.IVpc, options: { readReplica: boolean }): Database {
  // Inbound only from the tasks, the migration task and the rotation functions (added where they
  // are made); the database never opens connections itself.
  const securityGroup = new ec2.SecurityGroup(scope, 'DatabaseSecurityGroup', {
    vpc,
    description: 'SpendSense PostgreSQL',
    allowAllOutbound: false,
  });

  // VER_18 = major version only: RDS picks the current 18.x minor and upgrades minors.
  const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_18 });
  const parameterGroup = new rds.ParameterGroup(scope, 'DatabaseParameters', {
    engine,
    description: 'SpendSense PostgreSQL 18: TLS only, slow statements logged, pg_stat_statements',
    parameters: {
      // Refuse any connection without TLS (the default from PostgreSQL 15 on RDS; stated, so it stays).
      'rds.force_ssl': '1',
      // Statements slower than 500 ms go to the PostgreSQL log (exported to CloudWatch Logs)...
      log_min_duration_statement: '500',
      // ...without their bound values, which are users' data (emails, amounts, payees).
      log_parameter_max_length: '0',
      log_lock_waits: '1',
      // Per-statement totals; `create extension pg_stat_statements` (as the owner) makes the view readable.
      shared_preload_libraries: 'pg_stat_statements',
      'pg_stat_statements.track': 'top',
      // On a read replica (readReplica=true shares this group): long report reads are not cancelled
      // by vacuum on the primary; the API falls back to the primary when one is all the same.
      hot_standby_feedback: '1',
    },
  });

  const instance = new rds.DatabaseInstance(scope, 'Database', {
    engine,
    instanceType,
    vpc,
    vpcSubnets: databaseSubnets,
    securityGroups: [securityGroup],
    publiclyAccessible: false,
    port: DATABASE_PORT,
    parameterGroup,
    databaseName: DATABASE_NAME,
    // Username + generated password in Secrets Manager; RDS adds host/port/engine to it.
    credentials: rds.Credentials.fromGeneratedSecret(OWNER_USER, { excludeCharacters: passwordExclusions }),
    multiAz: true,
    storageType: rds.StorageType.GP3,
    allocatedStorage: 20,
    maxAllocatedStorage: 100,
    storageEncrypted: true,
    backupRetention: cdk.Duration.days(7),
    autoMinorVersionUpgrade: true,
    cloudwatchLogsExports: ['postgresql'],
    cloudwatchLogsRetention: logs.RetentionDays.ONE_MONTH,
    // Performance Insights (in CloudWatch Database Insights, standard mode): 7 days free.
    enablePerformanceInsights: true,
    performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT,
    databaseInsightsMode: rds.DatabaseInsightsMode.STANDARD,
    // OS metrics (memory, swap, I/O per process) every minute.
    monitoringInterval: cdk.Duration.seconds(60),
    deletionProtection: true,
    removalPolicy: cdk.RemovalPolicy.SNAPSHOT,
  });
  const ownerSecret = instance.secret;
  if (!ownerSecret) throw new Error('the database was created without a generated secret');

  // The app login's own secret. `masterarn` in it names the owner's secret, which the multi-user
  // rotation function logs in with to create and re-password the login's alternate.
  const appLoginSecret = new rds.DatabaseSecret(scope, 'AppDatabaseSecret', {
    username: APP_LOGIN_USER,
    dbname: DATABASE_NAME,
    masterSecret: ownerSecret,
    excludeCharacters: passwordExclusions,
  });
  const appSecret = appLoginSecret.attach(instance);

  // Rotation functions run next to the tasks: they need the Secrets Manager API (NAT or endpoint)
  // as well as the database, and the isolated db subnets reach neither.
  const rotationPlacement = { automaticallyAfter: ROTATION_PERIOD, excludeCharacters: passwordExclusions, vpcSubnets: appSubnets };
  // The owner: single-user (it changes its own password). Only the migration task reads it, at start.
  const ownerRotation = instance.addRotationSingleUser(rotationPlacement);
  // The app login: multi-user, alternating spendsense_api and spendsense_api_clone, so the
  // password running tasks hold stays valid for a whole rotation period after the secret moves on.
  // The clone is created with GRANT spendsense_api TO clone, so it can SET ROLE spendsense_app
  // through that membership (test/app-login.test.ts checks this).
  const appRotation = instance.addRotationMultiUser('AppDatabaseSecretRotation', { ...rotationPlacement, secret: appSecret });

  const replica = options.readReplica
    ? new rds.DatabaseInstanceReadReplica(scope, 'ReadReplica', {
        sourceDatabaseInstance: instance,
        instanceType,
        vpc,
        vpcSubnets: databaseSubnets,
        securityGroups: [securityGroup],
        publiclyAccessible: false,
        parameterGroup,
        autoMinorVersionUpgrade: true,
        enablePerformanceInsights: true,
        performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT,
        databaseInsightsMode: rds.DatabaseInsightsMode.STANDARD,
        monitoringInterval: cdk.Duration.seconds(60),
        cloudwatchLogsExports: ['postgresql'],
        cloudwatchLogsRetention: logs.RetentionDays.ONE_MONTH,
        // A copy of the primary: nothing to keep when it goes.
        removalPolicy: cdk.RemovalPolicy.DESTROY,
      })
    : undefined;

  return { instance, replica, securityGroup, parameterGroup, ownerSecret, appSecret, rotations: [ownerRotation, appRotation] };
}

/**
 * Opens the database port from `peer` (the rule on each side), as explicit resources the caller
 * can wait for: CloudFormation would otherwise be free to start the tasks before the rules exist.
 * The replica shares the security group, so it is reachable too.
 */
export function allowDatabaseAccess(scope: Construct, id: string, database: Database, peer: ec2.ISecurityGroup, description: string): Construct[] {
  const port = { ipProtocol: 'tcp', fromPort: DATABASE_PORT, toPort: DATABASE_PORT, description };
  return [
    new ec2.CfnSecurityGroupIngress(scope, `${id}DatabaseIngress`, {
      groupId: database.securityGroup.securityGroupId,
      sourceSecurityGroupId: peer.securityGroupId,
      ...port,
    }),
    new ec2.CfnSecurityGroupEgress(scope, `${id}DatabaseEgress`, {
      groupId: peer.securityGroupId,
      destinationSecurityGroupId: database.securityGroup.securityGroupId,
      ...port,
    }),
  ];
}
