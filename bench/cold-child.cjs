'use strict';
/**
 * One fresh Node process of the cold-start benchmark (bench/cold-start.ts), written in plain
 * CommonJS so that nothing but the Lambda bundle itself is loaded before the clock starts.
 *
 *   node cold-child.cjs sample  BUNDLE EVENT_FILE OUT_FILE
 *     import(BUNDLE) (the load Lambda does at init), handler(event) twice: the first
 *     invocation is the cold one, the second the same work warm. Writes the times as JSON.
 *   node cold-child.cjs capture SPEC_FILE OUT_FILE
 *     runs one whole decision through a build's bundles (entry bundle → a local
 *     StartSyncExecution endpoint → the build's own ASL with aws-local-stepfunctions → the step
 *     bundles) and writes what each function received, so samples replay real payloads.
 */
const started = performance.now();
const dns = require('node:dns');
const { readFileSync, writeFileSync } = require('node:fs');

// StartSyncExecution is sent to "sync-<endpoint host>" (the operation's host prefix), so the
// local endpoints are named *localhost and every such name resolves to 127.0.0.1 here.
const realLookup = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  const opts = typeof options === 'function' ? {} : options;
  if (typeof hostname === 'string' && /(^|[.-])localhost$/.test(hostname)) {
    const all = typeof opts === 'object' && opts !== null && opts.all;
    process.nextTick(() =>
      all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4),
    );
    return {};
  }
  return realLookup.call(this, hostname, options, callback);
};

/** What Lambda passes as the handler's context (Powertools reads these fields). */
function lambdaContext(name) {
  return {
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '1024',
    awsRequestId: `${Date.now().toString(16)}-bench`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 5000,
  };
}

/** Payloads carry an absolute deadline (epoch ms): a replayed one gets a fresh deadline. */
function refreshDeadlines(value) {
  if (Array.isArray(value)) return value.map(refreshDeadlines);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = k === 'deadlineAt' && typeof v === 'number' ? Date.now() + 5000 : refreshDeadlines(v);
  }
  return out;
}

/**
 * What Lambda does at init: its Node.js runtime is itself an ES module (the runtime interface
 * client's entry, src/index.mjs, in aws/aws-lambda-nodejs-runtime-interface-client) and loads every
 * handler, CommonJS or ES module, with `await import(path)` (src/function/module-loader.ts,
 * dynamic-imports.ts), which for an ES module includes finishing its top-level await.
 */
async function load(bundle) {
  return import(require('node:url').pathToFileURL(bundle).href);
}

/** The ES module loader is running before Lambda loads a handler (the runtime is an ES module): start it untimed. */
async function startModuleLoader() {
  await import('node:path');
}

async function sample(bundle, eventFile, outFile) {
  const { event, name } = JSON.parse(readFileSync(eventFile, 'utf8'));
  await startModuleLoader();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const mod = await load(bundle);
  const t1 = performance.now();
  const first = await mod.handler(refreshDeadlines(event), lambdaContext(name));
  const t2 = performance.now();
  const cpuCold = process.cpuUsage(cpu);
  const second = await mod.handler(refreshDeadlines(event), lambdaContext(name));
  const t3 = performance.now();
  writeFileSync(
    outFile,
    JSON.stringify({
      bootMs: started,
      importMs: t1 - t0,
      firstMs: t2 - t1,
      warmMs: t3 - t2,
      cpuMs: (cpuCold.user + cpuCold.system) / 1000,
      first,
      second,
    }),
  );
}

/** Every Task state of an ASL document (Parallel branches included): state name → placeholder. */
function taskStates(states, out = {}) {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') out[name] = /^\$\{(\w+)\}$/.exec(state.Resource)?.[1];
    for (const branch of state.Branches ?? []) taskStates(branch.States, out);
  }
  return out;
}

async function capture(specFile, outFile) {
  if (typeof Promise.withResolvers !== 'function') {
    Promise.withResolvers = () => {
      let resolve;
      let reject;
      const promise = new Promise((a, b) => {
        resolve = a;
        reject = b;
      });
      return { promise, resolve, reject };
    };
  }
  const spec = JSON.parse(readFileSync(specFile, 'utf8'));
  const { StateMachine } = require('aws-local-stepfunctions');
  const http = require('node:http');
  const text = readFileSync(spec.aslPath, 'utf8');
  const tasks = taskStates(JSON.parse(text).States);
  const asl = JSON.parse(
    text.replace(
      /\$\{(\w+)\}/g,
      (_, placeholder) => `arn:aws:lambda:us-east-1:123456789012:function:${spec.functions[placeholder]}`,
    ),
  );
  const inputs = {};
  const handlers = {};
  // One process stands in for all the functions: the union of their environments.
  Object.assign(process.env, spec.env);
  for (const [state, placeholder] of Object.entries(tasks)) {
    const entry = spec.functions[placeholder];
    const mod = await load(spec.bundles[entry]);
    handlers[state] = async (input) => {
      inputs[entry] = input;
      return mod.handler(input, lambdaContext(entry));
    };
  }
  const machine = new StateMachine(asl, { validationOptions: { checkArn: true } });
  let sfnOutput;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      let answer;
      if (target.endsWith('.StartSyncExecution')) {
        const execution = machine.run(JSON.parse(body.input), {
          overrides: { taskResourceLocalHandlers: handlers },
        });
        sfnOutput = await execution.result;
        answer = {
          executionArn: `${body.stateMachineArn}:bench`,
          startDate: Date.now() / 1000,
          stopDate: Date.now() / 1000,
          status: 'SUCCEEDED',
          output: JSON.stringify(sfnOutput),
        };
      } else if (target.endsWith('.GetSecretValue')) {
        answer = { ARN: body.SecretId, Name: 'bench', SecretString: spec.secret, VersionId: 'v1' };
      } else if (target.endsWith('.GetParameter')) {
        answer = { Parameter: { Name: body.Name, Type: 'SecureString', Value: spec.secret, Version: 1 } };
      } else {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'UnknownOperationException', message: target }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://localhost:${server.address().port}`;
  process.env.AWS_ENDPOINT_URL_SFN = endpoint;
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = endpoint;
  process.env.AWS_ENDPOINT_URL_SSM = endpoint;
  const entry = await load(spec.bundles[spec.entry]);
  const decision = await entry.handler(spec.event, lambdaContext(spec.entry));
  server.close();
  writeFileSync(outFile, JSON.stringify({ decision, sfnOutput, inputs }));
}

const [mode, ...args] = process.argv.slice(2);
const run = mode === 'capture' ? capture(args[0], args[1]) : sample(args[0], args[1], args[2]);
run.then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
