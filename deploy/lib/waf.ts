import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

/**
 * Requests one client address may send in 5 minutes before WAF blocks it for a while: about 10
 * a second, well above one person's use; the API's own per-caller limits do the fine-grained work.
 */
export const WAF_RATE_LIMIT_PER_5_MINUTES = 3000;

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

const managedRules = (priority: number, name: string, overrides: wafv2.CfnWebACL.RuleActionOverrideProperty[] = []): wafv2.CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ruleActionOverrides: overrides.length ? overrides : undefined } },
  visibilityConfig: visibility(name),
});

/** An AWS WAF web ACL on the load balancer (`-c waf=true`). */
export function protectWithWaf(scope: Construct, loadBalancer: elbv2.IApplicationLoadBalancer): wafv2.CfnWebACL {
  const webAcl = new wafv2.CfnWebACL(scope, 'WebAcl', {
    scope: 'REGIONAL',
    description: 'SpendSense: a rate limit per client address, AWS managed common and known-bad-input rules',
    defaultAction: { allow: {} },
    visibilityConfig: visibility('spendsense'),
    rules: [
      {
        name: 'RateLimitPerAddress',
        priority: 0,
        action: { block: {} },
        // The ALB is the first hop, so the source address WAF sees is the client's.
        statement: { rateBasedStatement: { limit: WAF_RATE_LIMIT_PER_5_MINUTES, evaluationWindowSec: 300, aggregateKeyType: 'IP' } },
        visibilityConfig: visibility('RateLimitPerAddress'),
      },
      // SizeRestrictions_BODY blocks bodies over 8 KB: statement imports (multipart, up to 20 MiB)
      // and batch creates are legitimately larger, so it only counts. The API limits sizes itself.
      managedRules(1, 'AWSManagedRulesCommonRuleSet', [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
      managedRules(2, 'AWSManagedRulesKnownBadInputsRuleSet'),
    ],
  });
  new wafv2.CfnWebACLAssociation(scope, 'WebAclAssociation', { resourceArn: loadBalancer.loadBalancerArn, webAclArn: webAcl.attrArn });
  return webAcl;
}
