import { ConnectClient } from '@aws-sdk/client-connect';

export interface ConnectClientOptions {
  /** Local Connect endpoint, e.g. http://127.0.0.1:4566. Also read from AWS_ENDPOINT_URL_CONNECT by the SDK. */
  endpoint?: string;
  region?: string;
  /** Static credentials for the local Connect (it does not check signatures). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * One client per process (module scope in Lambda), reused across invocations so TCP/TLS
 * connections stay warm. Retries are ours (see callWithRetry), hence maxAttempts 1.
 */
export function createConnectClient(options: ConnectClientOptions = {}): ConnectClient {
  return new ConnectClient({
    maxAttempts: 1,
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
}
