import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Figures read when Prometheus scrapes, so nothing on a hot path keeps them up to date. */
export interface MetricSources {
  openSockets(): number;
  activeRooms(): number;
  runQueueDepth(): number;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Every metric one node exports on `/metrics`, in one registry per app (tests
 * build several apps in one process). Names follow Prometheus conventions:
 * base units (seconds), `_total` for counters.
 */
export class Metrics {
  readonly registry = new Registry();
  private sources: MetricSources = {
    openSockets: () => 0,
    activeRooms: () => 0,
    runQueueDepth: () => 0,
  };

  readonly httpDuration = new Histogram({
    name: 'tandem_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly docUpdates = new Counter({
    name: 'tandem_doc_updates_total',
    help: 'Document updates committed to the store.',
    registers: [this.registry],
  });

  readonly persistLag = new Histogram({
    name: 'tandem_persist_lag_seconds',
    help: 'Time from an update reaching the server to its commit (when its author is acknowledged).',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly runWait = new Histogram({
    name: 'tandem_run_queue_wait_seconds',
    help: 'Time a run waited in this node’s queue before a worker took it.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly runDuration = new Histogram({
    name: 'tandem_run_duration_seconds',
    help: 'Time from a run request to its result, by language and verdict.',
    labelNames: ['language', 'verdict'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: 'tandem_errors_total',
    help: 'Errors answered to clients, by catalogue code and transport (http or socket).',
    labelNames: ['code', 'transport'] as const,
    registers: [this.registry],
  });

  constructor() {
    const sources = () => this.sources;
    new Gauge({
      name: 'tandem_open_sockets',
      help: 'Socket.IO connections open on this node.',
      registers: [this.registry],
      collect() {
        this.set(sources().openSockets());
      },
    });
    new Gauge({
      name: 'tandem_active_rooms',
      help: 'Rooms loaded on this node.',
      registers: [this.registry],
      collect() {
        this.set(sources().activeRooms());
      },
    });
    new Gauge({
      name: 'tandem_run_queue_depth',
      help: 'Runs waiting in this node’s queue.',
      registers: [this.registry],
      collect() {
        this.set(sources().runQueueDepth());
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'tandem_' });
  }

  /** Connects the gauges to the live objects they read, once these exist. */
  watch(sources: MetricSources): void {
    this.sources = sources;
  }
}
