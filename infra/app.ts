import { App, Arn, ArnFormat, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ContextError, parseDeployContext } from './context';
import { LastAgentRoutingStack } from './stack';

const app = new App();
try {
  const settings = parseDeployContext((key) => app.node.tryGetContext(key));
  const { region, account } = Arn.split(settings.instanceArn, ArnFormat.SLASH_RESOURCE_NAME);
  new LastAgentRoutingStack(app, app.node.tryGetContext('stackName') ?? 'LastAgentRouting', {
    settings,
    // The stack must live in the instance's account and Region.
    env: { account, region },
    description: 'Returning-caller routing for Amazon Connect',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  app.synth();
} catch (err) {
  if (err instanceof ContextError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
