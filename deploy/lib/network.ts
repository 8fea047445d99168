import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';

/** Where the tasks, the migration task and the rotation functions run. */
export const appSubnets: ec2.SubnetSelection = { subnetGroupName: 'app' };
/** Where the database (and its replica) live: no route out at all. */
export const databaseSubnets: ec2.SubnetSelection = { subnetGroupName: 'db' };

/**
 * Public subnets hold the ALB (and the NAT gateways), the app subnets the tasks, the isolated db
 * subnets the database. With NAT gateways the app subnets reach ECR, Secrets Manager and
 * CloudWatch Logs through them. With none (`-c natGateways=0`) the app subnets are isolated too,
 * and those services are VPC endpoints instead: the tasks keep working, but reach nothing else on
 * the internet (an OTLP collector must then be inside the VPC). Endpoints are not free either:
 * four interface endpoints in two zones cost more per month than one NAT gateway; 0 is for when
 * no egress is the requirement, not for saving money.
 */
export function createVpc(scope: Construct, natGateways: number): ec2.Vpc {
  const egress = natGateways > 0;
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    maxAzs: 2,
    natGateways,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'app', subnetType: egress ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 },
      { name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
  });
  if (!egress) {
    // Image layers come from S3 (a gateway endpoint, free); the rest are interface endpoints.
    vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [appSubnets] });
    const services: Array<[string, ec2.InterfaceVpcEndpointAwsService]> = [
      ['EcrApiEndpoint', ec2.InterfaceVpcEndpointAwsService.ECR],
      ['EcrDockerEndpoint', ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER],
      ['LogsEndpoint', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
      ['SecretsManagerEndpoint', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
    ];
    for (const [id, service] of services) vpc.addInterfaceEndpoint(id, { service, subnets: appSubnets, privateDnsEnabled: true });
  }
  return vpc;
}
