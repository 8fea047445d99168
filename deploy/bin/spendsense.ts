#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { SpendSenseStack } from '../lib/spendsense-stack';

const app = new cdk.App();

// Environment-agnostic on purpose: synth needs no AWS credentials and makes no context
// lookups; `cdk deploy` targets the account and region of the active AWS profile.
new SpendSenseStack(app, 'SpendSense', {
  description: 'SpendSense API: ECS Fargate behind an ALB, RDS PostgreSQL, Secrets Manager',
  certificateArn: app.node.tryGetContext('certificateArn'),
});

cdk.Tags.of(app).add('project', 'spendsense');
