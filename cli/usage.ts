/**
 * The CLI's usage texts, in one place: every command's synopsis, what it does and each option
 * with its range or allowed values and its default. `last-agent <command> --help` prints the
 * command's entry (commandHelp), `last-agent help` the synopsis of them all (generalUsage), and
 * docs/cli.md holds both (test/cli/main.test.ts checks it does). The commands whose parsers live
 * beside their implementation (load and bench in bench/command.ts, simulate in simulate/command.ts)
 * are described here too, so the dispatcher (cli/main.ts) answers their --help itself;
 * test/cli/conventions.test.ts checks every option their parsers accept is listed.
 */
import { FaultKind, MAX_DELAY_MS, OPERATIONS } from '../local/connect/names';

/**
 * A command-line mistake: the CLI prints the message on one line with a pointer to the command's
 * --help, and exits 2. Defined in local/args.ts so that bench/command.ts (which must not import
 * the CLI) throws the same class.
 */
export { UsageError } from '../local/args';

export const COMMANDS = [
  'decide',
  'demo',
  'load',
  'bench',
  'serve',
  'doctor',
  'backfill',
  'simulate',
  'analyze',
  'sample-records',
  'help',
] as const;
export type CommandName = (typeof COMMANDS)[number];

export function isCommand(name: string | undefined): name is CommandName {
  return (COMMANDS as readonly string[]).includes(name ?? '');
}

export interface OptionUsage {
  /** The long flag, e.g. `--calls`. */
  flag: `--${string}`;
  /** The value's placeholder (`N`, `FILE`, `small|default|large`); absent for a switch. */
  value?: string;
  /** May be given more than once. */
  multiple?: boolean;
  /** What it does, its range or allowed values, and its default. */
  help: string;
}

export interface CommandUsage {
  /** The synopsis lines, as in the general usage (continuations aligned under the command). */
  synopsis: readonly string[];
  /** What the command does, a short paragraph. */
  about: string;
  options: readonly OptionUsage[];
}

const SCENARIO: OptionUsage = {
  flag: '--scenario',
  value: 'FILE',
  help: 'the scenario (JSON): instance, agents, queues, past contacts, faults (default local/scenarios/demo.json, the bundled demo)',
};
const TRACE: OptionUsage = {
  flag: '--trace',
  help: "also print the state machine's states, each with its time in milliseconds, a parent state before its children",
};
const JSON_OUT: OptionUsage = { flag: '--json', help: 'print exactly one JSON object instead of text' };
const LATENCY_HELP =
  'Connect API latency in milliseconds, the median and the 99th percentile, with MEDIAN ≤ P99';
const QUOTAS_HELP =
  "Connect API throttling: Amazon Connect's default quotas, none, or RPS requests per second (a number > 0) with a burst of BURST (a whole number ≥ 1) for every operation";

export const USAGE: Record<CommandName, CommandUsage> = {
  decide: {
    synopsis: [
      'last-agent decide --phone <number> [--scenario FILE] [--now ISO] [--contact-id ID] [--trace | --json]',
      'last-agent decide --event FILE [--scenario FILE] [--now ISO] [--trace | --json]',
      "    faults on top of the scenario's: [--fault OPERATION:KIND[:RATE[:DELAY_MS]]]...",
      '    [--latency MEDIAN,P99] [--quotas connect-defaults|off|RPS:BURST]',
      `    KIND: ${FaultKind.options.join(', ')}`,
    ],
    about:
      "One routing decision, as the contact flow asks for it: the state machine and its steps run locally against a local Amazon Connect holding the scenario's agents and past contacts. Prints the caller (masked), the route, the reason in words and the agent by name; --trace adds the states and their timings.",
    options: [
      {
        flag: '--phone',
        value: '<number>',
        help: "the caller's number, e.g. +14155550123 (a national number is read in LAST_AGENT_DEFAULT_COUNTRY); give exactly one of --phone and --event",
      },
      {
        flag: '--event',
        value: 'FILE',
        help: 'a Connect contact-flow invocation event (JSON) to decide on, instead of --phone',
      },
      SCENARIO,
      {
        flag: '--now',
        value: 'ISO',
        help: 'the time of the call, an ISO 8601 date and time with a 4-digit year, YYYY-MM-DDTHH:MM[:SS[.sss]][Z|±HH:MM], such as 2026-03-01T12:00:00Z (default the scenario\'s "now")',
      },
      {
        flag: '--contact-id',
        value: 'ID',
        help: "the new contact's id, 1-256 characters as Connect's ContactId, with --phone only (default a random UUID)",
      },
      TRACE,
      { ...JSON_OUT, help: 'print exactly one JSON object: the decision and the trace' },
      {
        flag: '--fault',
        value: 'OPERATION:KIND[:RATE[:DELAY_MS]]',
        multiple: true,
        help: `make the local Connect fail, on top of the scenario's faults; repeatable. OPERATION: ${OPERATIONS.join(', ')} or * (every one); KIND: ${FaultKind.options.join(', ')}; RATE: the share of calls that fail, a number above 0 and at most 1 (default 1); DELAY_MS: how long "slow" holds the answer, a whole number 0-${MAX_DELAY_MS} (default 10000)`,
      },
      {
        flag: '--latency',
        value: 'MEDIAN,P99',
        help: `${LATENCY_HELP}, e.g. 60,250 (default the scenario's)`,
      },
      {
        flag: '--quotas',
        value: 'connect-defaults|off|RPS:BURST',
        help: `${QUOTAS_HELP} (default the scenario's)`,
      },
    ],
  },
  demo: {
    synopsis: ['last-agent demo [--scenario FILE] [--trace]'],
    about:
      'Runs the scenario\'s "demo" calls, callers who take different paths (last agent available, busy, not routable, low CSAT, anonymous…), and prints for each the caller (masked), the route, the reason in words, the agent by name and what the agent hears.',
    options: [{ ...SCENARIO, help: `${SCENARIO.help}; it must have "demo" calls` }, TRACE],
  },
  load: {
    synopsis: [
      'last-agent load [--calls N] [--concurrency N] [--quotas connect-defaults|off|RPS:BURST]',
      '                [--source search|index|index-then-search|all]',
      '                [--latency MEDIAN,P99 | --no-latency] [--deadline-ms N] [--seed N] [--json]',
    ],
    about:
      "Many decisions at once against the local Connect, with Connect's API quotas and a latency model: how many are answered, throttled, and answered within the budget. Exit code 1 when a call goes unanswered or over the budget. On a terminal, a progress line on stderr shows the calls answered and their rate (none with --json).",
    options: [
      { flag: '--calls', value: 'N', help: 'decisions to make: a whole number 1-100000 (default 2000)' },
      {
        flag: '--concurrency',
        value: 'N',
        help: 'decisions in flight at once: a whole number ≥ 1 (default 50)',
      },
      {
        flag: '--quotas',
        value: 'connect-defaults|off|RPS:BURST',
        help: `${QUOTAS_HELP} (default connect-defaults)`,
      },
      {
        flag: '--source',
        value: 'search|index|index-then-search|all',
        help: 'where the steps read routing state (as LAST_AGENT_SOURCE), or all three one after another (default LAST_AGENT_SOURCE, else search)',
      },
      { flag: '--latency', value: 'MEDIAN,P99', help: `${LATENCY_HELP} (default 60,250)` },
      { flag: '--no-latency', help: 'no latency model: Connect answers at once; not with --latency' },
      {
        flag: '--deadline-ms',
        value: 'N',
        help: "the decision's budget in milliseconds, as LAST_AGENT_DEADLINE_MS: a whole number 200-7000 (default 3000)",
      },
      { flag: '--seed', value: 'N', help: 'seed of the random draws: a whole number ≥ 0 (default 1)' },
      JSON_OUT,
    ],
  },
  bench: {
    synopsis: [
      'last-agent bench [--size small|default|large] [--concurrency N] [--no-scaling] [--seed N]',
      '                 [--latency MEDIAN,P99 | --no-latency] [--out DIR] [--json]',
      '                 [--no-cold] [--cold-samples N] [--cold-memory MB[,MB...]] [--cold-node PATH]',
      '                 [--deadline-ms N] [--hop-start-ms N] [--hop-task-ms N] [--hop-state-ms N]',
      '                 [--runtime-init-ms N] [--no-index]',
    ],
    about:
      'The AWS-shaped benchmark (docs/performance.md): every contender decides the same generated calls; decision time with the Step Functions and Lambda hops modelled, recall, cold starts before and after, scaling with history and instance size, and the routing-state sources. On a terminal, a progress line on stderr names the phase running and how far it is (none with --json).',
    options: [
      {
        flag: '--size',
        value: 'small|default|large',
        help: 'the generated contact center: small (10 agents, 60 calls), default (50 agents, 300 calls) or large (200 agents, 400 calls) (default: default)',
      },
      {
        flag: '--concurrency',
        value: 'N',
        help: 'decisions in flight at once: a whole number ≥ 1 (default 1, so every contender draws the same latency samples)',
      },
      { flag: '--no-scaling', help: 'skip the scaling runs (history length, instance size)' },
      {
        flag: '--seed',
        value: 'N',
        help: 'seed of the generated calls and draws: a whole number ≥ 1 (default 42)',
      },
      {
        flag: '--latency',
        value: 'MEDIAN,P99',
        help: `${LATENCY_HELP} ≤ 7000, the decisions' longest budget (default 60,250)`,
      },
      { flag: '--no-latency', help: 'no latency model: Connect answers at once; not with --latency' },
      {
        flag: '--out',
        value: 'DIR',
        help: 'where to write results.json, latency-recall.svg, scenario.json and truth.json: a directory that exists or can be created, writable, checked before the run (default bench-results)',
      },
      { ...JSON_OUT, help: 'print the report as exactly one JSON object' },
      { flag: '--no-cold', help: 'skip the cold starts (fresh processes per sample, the longest part)' },
      {
        flag: '--cold-samples',
        value: 'N',
        help: 'cold starts per variant and function: a whole number 1-100 (default 20)',
      },
      {
        flag: '--cold-memory',
        value: 'MB[,MB...]',
        help: "Lambda memory sizes to run the cold starts at, with CPU in proportion (one vCPU at 1769 MB): whole numbers 128-10240 as Lambda allows, comma-separated, at most 4 (default the stack's memory size for the entry function)",
      },
      {
        flag: '--cold-node',
        value: 'PATH',
        help: 'the Node binary for the cold-start samples, an existing executable file checked before the run (default Node 22 from the npm cache, else this Node)',
      },
      {
        flag: '--deadline-ms',
        value: 'N',
        help: 'the decision budget the all-cold figures are compared with, in milliseconds, as load --deadline-ms: a whole number 200-7000 (default 3000)',
      },
      {
        flag: '--hop-start-ms',
        value: 'N',
        help: 'StartSyncExecution overhead in milliseconds: a number ≥ 0 (default the model in bench/aws-model.ts)',
      },
      {
        flag: '--hop-task-ms',
        value: 'N',
        help: 'each Lambda Task state, in milliseconds: a number ≥ 0 (default the model in bench/aws-model.ts)',
      },
      {
        flag: '--hop-state-ms',
        value: 'N',
        help: 'each other state, in milliseconds: a number ≥ 0 (default the model in bench/aws-model.ts)',
      },
      {
        flag: '--runtime-init-ms',
        value: 'N',
        help: "Lambda's runtime start-up per cold function, in milliseconds: a number ≥ 0 (default the model in bench/aws-model.ts)",
      },
      {
        flag: '--no-index',
        help: 'skip the routing-state source section (search, index, index-then-search)',
      },
    ],
  },
  serve: {
    synopsis: ['last-agent serve [--scenario FILE] [--port N]     run the local Connect only'],
    about:
      "Starts the local Amazon Connect API alone, holding the scenario's instance, on 127.0.0.1 until Ctrl-C; point an AWS SDK or the AWS CLI at it with AWS_ENDPOINT_URL_CONNECT.",
    options: [SCENARIO, { flag: '--port', value: 'N', help: 'the port: 0-65535 (default 0, any free port)' }],
  },
  doctor: {
    synopsis: [
      'last-agent doctor --instance-id ID | --stack-name NAME [--region R]',
      '                  [--queue-id ID | --queue-arn ARN] [--attribute-key KEY]',
      '                  [--function-arn ARN] [--flow-arn ARN] [--table NAME]',
      '                  [--test-caller E164] [--phone-number E164] [--json]',
      '                  an instance and everything go-live needs (default AWS credentials)',
      'last-agent doctor --local [--attribute-key KEY] [--test-caller E164]',
      '                  [--phone-number E164] [--json]   the same against the demo scenario',
    ],
    about:
      'A preflight of an Amazon Connect instance and, given the deployment (--stack-name, or --function-arn, --flow-arn and --table), of everything go-live needs: the LAST_AGENT_* configuration as the Lambdas validate it, the searchable contact attribute, the queue, the agent statuses, the API quotas of the search path, the Lambda association, the routing and whisper flows (and the flow --phone-number enters), one synthetic decision of the deployed entry function (marked: no decision metrics, no routing-state writes; the report says what it touched) and, with an index source, the routing-state table and its contact and agent event feeds. Every other call is a read. A check that cannot run here is skipped, with the reason; skips do not count. Exit code 1 when a check fails.',
    options: [
      {
        flag: '--instance-id',
        value: 'ID',
        help: "the instance's id (letters, digits and -, at most 100) or its ARN, whose Region is then used; required unless --stack-name (whose flows name the instance) or --local",
      },
      {
        flag: '--region',
        value: 'R',
        help: "the instance's AWS Region (default the instance ARN's, else AWS_REGION and the AWS configuration)",
      },
      {
        flag: '--stack-name',
        value: 'NAME',
        help: 'the deployed stack (CloudFormation name or ARN): the entry function, the flows, the routing-state table and the indexers are found from its outputs and resources (default none: only what the other options give is checked)',
      },
      {
        flag: '--queue-id',
        value: 'ID',
        help: 'the default queue the flow falls back to, checked to exist and be enabled (default not checked)',
      },
      {
        flag: '--queue-arn',
        value: 'ARN',
        help: 'the same queue as an ARN, arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID/queue/QUEUE_ID, of the same instance; not with --queue-id (default not checked)',
      },
      {
        flag: '--function-arn',
        value: 'ARN',
        help: "the entry Lambda's ARN, arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]: checked to be associated with the instance, its settings checked and invoked once (default the stack's, else not checked)",
      },
      {
        flag: '--flow-arn',
        value: 'ARN',
        help: "the routing flow's ARN, arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID/contact-flow/FLOW_ID, of the same instance (default the stack's, else not checked)",
      },
      {
        flag: '--table',
        value: 'NAME',
        help: "the routing-state table: 3-255 letters, digits, _, - or . (default the stack's, else the function's LAST_AGENT_TABLE_NAME)",
      },
      {
        flag: '--test-caller',
        value: 'E164',
        help: 'the caller of the synthetic decision, a valid E.164 number such as +12025550100 (default +12025550100, in the range 555-0100 to 555-0199 reserved for fictional use; masked in the output)',
      },
      {
        flag: '--phone-number',
        value: 'E164',
        help: 'a phone number of the instance, a valid E.164 number, checked to enter the routing flow (default not checked)',
      },
      {
        flag: '--attribute-key',
        value: 'KEY',
        help: "the contact attribute holding the caller key: letters, digits, _ or -, 1-100 characters (default the configuration's LAST_AGENT_ATTRIBUTE_KEY, else CustomerPhoneNumber)",
      },
      {
        flag: '--local',
        help: "check the demo scenario instead (no AWS): a local Connect holding the product's flows, the entry function in-process, a local DynamoDB with LAST_AGENT_SOURCE=index; EventBridge and Kinesis are skipped; not with --instance-id, --region, --stack-name, --queue-id, --queue-arn, --function-arn, --flow-arn or --table",
      },
      {
        ...JSON_OUT,
        help: 'print the report as exactly one JSON object: {checks: [{id, title, status, detail, data?}], summary, ok, touched}',
      },
    ],
  },
  backfill: {
    synopsis: [
      'last-agent backfill --instance-id ID --table NAME [--region R] [--lookback-days N]',
      '                    [--search-rps R] [--attributes-rps R] [--checkpoint FILE] [--json]',
      '                    fill the routing-state table from SearchContacts (default AWS credentials)',
      'last-agent backfill --local [--table NAME] [--lookback-days N] [--search-rps R]',
      '                    [--attributes-rps R] [--checkpoint FILE] [--json]',
      '                    the same from the demo scenario, into a local DynamoDB',
    ],
    about:
      "Fills the routing-state table (LAST_AGENT_SOURCE=index) with the last agent of each caller from SearchContacts and GetContactAttributes, paced under Connect's quotas. On a terminal, a progress bar on stderr shows the share done, the counts and the time left (none with --json). Ctrl-C stops after the current contact with a checkpoint; run the same command again to resume. Exit code 0 when complete, 130 when interrupted.",
    options: [
      {
        flag: '--instance-id',
        value: 'ID',
        help: "the instance's id (letters, digits and -, at most 100) or its ARN, whose Region is then used; required unless --local",
      },
      {
        flag: '--table',
        value: 'NAME',
        help: 'the routing-state DynamoDB table: 3-255 letters, digits, _, - or . (required unless --local; with --local default last-agent-routing-state)',
      },
      {
        flag: '--region',
        value: 'R',
        help: "the instance's AWS Region (default the instance ARN's, else AWS_REGION and the AWS configuration)",
      },
      {
        flag: '--lookback-days',
        value: 'N',
        help: 'how far back to read: whole days 1-365 (default LAST_AGENT_LOOKBACK_DAYS, else 7)',
      },
      {
        flag: '--search-rps',
        value: 'R',
        help: 'SearchContacts requests per second: a number 0.01-100; above the default quota of 0.5 only with a raised quota (default 0.4)',
      },
      {
        flag: '--attributes-rps',
        value: 'R',
        help: 'GetContactAttributes requests per second: a number 0.01-100; above the default quota of 10 only with a raised quota (default 5)',
      },
      {
        flag: '--checkpoint',
        value: 'FILE',
        help: 'where progress is saved for a resume, in an existing writable directory; an existing file must be readable, checked before the run (default .last-agent-backfill.json; with --local none)',
      },
      {
        flag: '--local',
        help: 'backfill from the demo scenario on a local Connect into a local DynamoDB (no AWS); not with --instance-id or --region',
      },
      { ...JSON_OUT, help: 'print the summary as exactly one JSON object' },
    ],
  },
  simulate: {
    synopsis: [
      'last-agent simulate --config FILE [--json] [--out DIR]   policy simulator (docs/simulator.md)',
    ],
    about:
      "The policy simulator: a seeded model of a contact center running the product's own decision, reporting per policy continuity (returning calls answered by their last agent) against waiting time. On a terminal a long run shows its progress on stderr (none with --json).",
    options: [
      {
        flag: '--config',
        value: 'FILE',
        help: 'the simulation (JSON): the center, its calls and the policies to compare (required; e.g. simulate/examples/claims-center.json, fields in docs/simulator.md)',
      },
      { ...JSON_OUT, help: 'print the report as exactly one JSON object' },
      {
        flag: '--out',
        value: 'DIR',
        help: 'also write simulation.json and continuity-vs-wait.svg to this directory, created if need be and checked before the run (default none: stdout only)',
      },
    ],
  },
  analyze: {
    synopsis: [
      'last-agent analyze --records PATH [PATH...] [--json] [--out DIR] [--lookback-days N]',
      '                   [--since ISO] [--until ISO] [--timezone IANA]',
      '                   [--attribute-names route:NAME,reason:NAME,agentArn:NAME]',
      '                   [--go-live-policy preferred-agent:SECONDS|agent-queue:SECONDS]',
      '                   your center in numbers, from its contact records (docs/analyze.md)',
      'last-agent analyze --sql athena --instance-id ID --database NAME [--table NAME]',
      '                   [--athena-workgroup NAME [--output-location s3://BUCKET/PREFIX] [--json] [--out DIR]]',
      '                   [--lookback-days N] [--since ISO] [--until ISO] [--timezone IANA] ...',
      '                   the same figures as Athena SQL over the Connect data lake (docs/analyze-sql.md)',
    ],
    about:
      "Reads the center's Amazon Connect contact records (files, directories or S3, as Firehose or an export writes them) and prints the center in numbers: how often callers come back, how often their last agent was free, call and wait times, abandonment, arrivals and staffing by hour; after go-live, what the product did. It also calibrates the simulator to the center from the records before go-live, checks that the simulated center reproduces the continuity and abandonment seen (the backtest) and, when it does, recommends the preference setting with the most continuity for a bounded loss of service level. Bad records are counted, never fatal. No caller number, nor any part of one, is ever printed. On a terminal a long read shows its progress on stderr (none with --json).",
    options: [
      {
        flag: '--records',
        value: 'PATH',
        multiple: true,
        help: 'a file, a directory (read recursively) or s3://bucket/prefix (default AWS credentials) holding contact records: JSON objects back to back, JSON lines or a JSON array, gzip or not; more PATHs may follow it (required, unless --sql)',
      },
      {
        flag: '--sql',
        value: 'athena',
        help: 'compute the figures in the Amazon Connect analytics data lake instead of reading files: prints the Athena (Trino) queries over its contact_record table, or runs them with --athena-workgroup (docs/analyze-sql.md says which columns AWS documents)',
      },
      {
        flag: '--instance-id',
        value: 'ID',
        help: "with --sql: the Connect instance's ID (a UUID), the data lake rows to read (required with --sql)",
      },
      {
        flag: '--database',
        value: 'NAME',
        help: "with --sql: the Glue database holding the data lake's tables, as shared to the account (required with --sql)",
      },
      {
        flag: '--table',
        value: 'NAME',
        help: 'with --sql: the contact records table (default contact_record)',
      },
      {
        flag: '--athena-workgroup',
        value: 'NAME',
        help: 'with --sql: run the queries in this Athena workgroup (default AWS credentials) and print the same report, and write the same --out files, as reading the records; without it the queries are printed',
      },
      {
        flag: '--output-location',
        value: 's3://BUCKET/PREFIX',
        help: "with --athena-workgroup: where Athena writes the results (default: the workgroup's own location)",
      },
      {
        ...JSON_OUT,
        help: 'print the figures as exactly one JSON object (the field names in docs/analyze.md)',
      },
      {
        flag: '--out',
        value: 'DIR',
        help: 'also write analysis.json, report.md, arrivals-staffing.svg, simulate.json (the calibrated center, for last-agent simulate --config) and continuity-vs-wait.svg to this directory, created if need be and checked before reading (default none: stdout only)',
      },
      {
        flag: '--lookback-days',
        value: 'N',
        help: "how far back a caller's previous agent contact counts, in days, a number 1-365 (default 7, the Lambdas' LAST_AGENT_LOOKBACK_DAYS)",
      },
      {
        flag: '--since',
        value: 'ISO',
        help: 'count contacts initiated at or after this time: a date YYYY-MM-DD (midnight in --timezone) or a date-time with Z or an offset (default: from the first record); earlier records still serve as history',
      },
      {
        flag: '--until',
        value: 'ISO',
        help: 'count contacts initiated before this time, in the same forms, after --since (default: to the last record)',
      },
      {
        flag: '--timezone',
        value: 'IANA',
        help: "the center's clock for hours, days and weekdays, an IANA time zone such as America/New_York (default UTC)",
      },
      {
        flag: '--attribute-names',
        value: 'route:NAME,reason:NAME,agentArn:NAME',
        help: "the contact attributes the product's flow stores, any of the three, each name 1-100 letters, digits, - or _ (default lastAgentRoute, lastAgentReason, lastAgentArn, the stack's contextAttributes defaults)",
      },
      {
        flag: '--go-live-policy',
        value: 'preferred-agent:SECONDS|agent-queue:SECONDS',
        help: 'the preference that was live after go-live, which the backtest simulates (the records do not say which mode and wait ran): preferred-agent with its expiry (5-600) or agent-queue with its longest wait (20-600); used only when the records span go-live (default preferred-agent:30)',
      },
    ],
  },
  'sample-records': {
    synopsis: [
      'last-agent sample-records --out DIR [--center month-24|small-long-calls] [--go-live-day N|none]',
      '                          [--seed N] [--gzip] [--faults]',
      "                          a generated center's contact records, to try analyze",
    ],
    about:
      "Writes the contact records of a generated contact center as Firehose delivers them to S3 (hourly folders, JSON objects back to back, a few republished versions and duplicates), to try `analyze` without AWS. The generator is an independent model of a center (shifts, weekday staffing, abandonment, re-dials, callbacks, transfers, outbound calls, chat, withheld numbers, the product's attributes after go-live), written from AWS's contact-record data model.",
    options: [
      {
        flag: '--out',
        value: 'DIR',
        help: 'the folder to write the records to, created if need be (required)',
      },
      {
        flag: '--center',
        value: 'month-24|small-long-calls',
        help: 'month-24: a month of a 24-agent center (about 35,000 records); small-long-calls: a month of 6 agents with long calls and heavy callbacks (default month-24)',
      },
      {
        flag: '--go-live-day',
        value: 'N|none',
        help: "the day (0 = the first) from which the product's flow decides, a whole number within the month, or none (default the middle of the month)",
      },
      {
        flag: '--seed',
        value: 'N',
        help: "the generator's seed, a whole number 0-2147483647 (default the center's)",
      },
      { flag: '--gzip', help: 'gzip every file, as a Firehose stream with compression does' },
      {
        flag: '--faults',
        help: 'add the faults analyze must survive: a garbage line, a truncated object, records missing fields, a file that does not decompress',
      },
    ],
  },
  help: {
    synopsis: [
      "last-agent help [COMMAND]   this text, or a command's own usage (as: last-agent COMMAND --help)",
      'last-agent --version',
    ],
    about: 'Prints the usage: of every command, or of one command with its options.',
    options: [],
  },
};

const WIDTH = 100;
const COLUMN = 30;

/** The general usage: every command's synopsis (`last-agent help`, `last-agent --help`). */
export function generalUsage(): string {
  const lines = COMMANDS.flatMap((c) => USAGE[c].synopsis).map((l) => `  ${l}`);
  return [
    'last-agent: returning-caller routing for Amazon Connect, run locally',
    '',
    'Usage:',
    ...lines,
    '',
    "Run 'last-agent COMMAND --help' for a command's options, with their ranges and defaults.",
    'Without --scenario the bundled demo scenario is used. Configuration comes from the same',
    'LAST_AGENT_* environment variables as the Lambdas (see README).',
  ].join('\n');
}

/** One command's usage (`last-agent <command> --help`): synopsis, what it does, options. */
export function commandHelp(command: CommandName): string {
  if (command === 'help') return generalUsage();
  const { synopsis, about, options } = USAGE[command];
  const rows = [
    ...options.map((o) => [`${o.flag}${o.value ? ` ${o.value}` : ''}`, o.help] as const),
    ['-h, --help', 'print this help'] as const,
  ];
  return [
    'Usage:',
    ...synopsis.map((l) => `  ${l}`),
    '',
    ...wrap(about, WIDTH, ''),
    '',
    'Options:',
    ...rows.flatMap(([flag, help]) => optionRow(flag, help)),
  ].join('\n');
}

/** An option's row: the flag, then its help from COLUMN on (on the next line when the flag is long). */
function optionRow(flag: string, help: string): string[] {
  const lead = `  ${flag}`;
  const indent = ' '.repeat(COLUMN);
  const text = wrap(help, WIDTH - COLUMN, '');
  if (lead.length <= COLUMN - 2) {
    const [first = '', ...more] = text;
    return [`${lead.padEnd(COLUMN)}${first}`, ...more.map((l) => `${indent}${l}`)];
  }
  return [lead, ...text.map((l) => `${indent}${l}`)];
}

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(`${indent}${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(`${indent}${line}`);
  return lines;
}

/** The options of a command as node:util parseArgs takes them (for the commands parsed elsewhere). */
export function parseArgsOptions(
  command: CommandName,
): Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> {
  return Object.fromEntries(
    USAGE[command].options.map((o) => [
      o.flag.slice(2),
      {
        type: o.value ? ('string' as const) : ('boolean' as const),
        ...(o.multiple ? { multiple: true } : {}),
      },
    ]),
  );
}
