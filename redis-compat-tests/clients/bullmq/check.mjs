// Runs BullMQ, unchanged, against the server on 127.0.0.1:<port> (argv[2]) and prints one JSON
// line of what happened; BullMqTest asserts on it. Queue names differ, so at 4 shards their
// keys (bull:<queue>:...) lie on different shards, as do the parent and children of the flow.
import { FlowProducer, Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';

const port = Number(process.argv[2]);
const connection = new IORedis({ host: '127.0.0.1', port, maxRetriesPerRequest: null });
const sleep = ms => new Promise(r => setTimeout(r, ms));
async function until(done, ms) {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await sleep(25);
}

// jobs: plain, retried with backoff, delayed, prioritised; 4 at a time
async function jobs() {
  const q = new Queue('ferrite-jobs', { connection });
  const completed = [];
  const failures = [];
  const w = new Worker('ferrite-jobs', async job => {
    if (job.name === 'flaky' && job.attemptsMade < 2) throw new Error('try again');
    return job.data.n * 2;
  }, { connection, concurrency: 4 });
  w.on('completed', (job, rv) => completed.push({ name: job.name, rv, at: Date.now() }));
  w.on('failed', (job, err) => failures.push(err.message));
  const added = Date.now();
  for (let i = 0; i < 40; i++) await q.add('double', { n: i });
  await q.add('flaky', { n: 100 }, { attempts: 3, backoff: { type: 'fixed', delay: 50 } });
  await q.add('late', { n: 7 }, { delay: 400 });
  await q.add('prio', { n: 9 }, { priority: 1 });
  await until(() => completed.length >= 43, 30000);
  const late = completed.find(c => c.name === 'late');
  const counts = await q.getJobCounts('completed', 'failed', 'waiting', 'delayed', 'active');
  await w.close();
  await q.obliterate({ force: true });
  await q.close();
  return {
    completed: completed.length,
    sum: completed.filter(c => c.name === 'double').reduce((a, c) => a + c.rv, 0),
    flaky: completed.find(c => c.name === 'flaky')?.rv ?? null,
    failures,
    lateAfterMillis: late ? late.at - added : null,
    counts,
  };
}

// a flow: the parent runs once its five children (on another queue) are done, and sums their values
async function flow() {
  let total = null;
  const parts = new Worker('ferrite-parts', async job => job.data.v, { connection });
  const totals = new Worker('ferrite-totals', async job => {
    const values = await job.getChildrenValues();
    return Object.values(values).reduce((a, b) => a + b, 0);
  }, { connection });
  totals.on('completed', (job, rv) => { total = rv; });
  const producer = new FlowProducer({ connection });
  await producer.add({
    name: 'sum', queueName: 'ferrite-totals',
    children: [1, 2, 3, 4, 5].map(v => ({ name: 'part' + v, queueName: 'ferrite-parts', data: { v } })),
  });
  await until(() => total !== null, 20000);
  await parts.close();
  await totals.close();
  await producer.close();
  for (const name of ['ferrite-parts', 'ferrite-totals']) {
    const q = new Queue(name, { connection });
    await q.obliterate({ force: true });
    await q.close();
  }
  return { total };
}

// a rate-limited worker: at most 5 jobs per second
async function limited() {
  const q = new Queue('ferrite-limited', { connection });
  const times = [];
  const w = new Worker('ferrite-limited', async () => { times.push(Date.now()); }, {
    connection, concurrency: 10, limiter: { max: 5, duration: 1000 },
  });
  for (let i = 0; i < 10; i++) await q.add('tick', { i });
  await until(() => times.length >= 10, 20000);
  await w.close();
  await q.obliterate({ force: true });
  await q.close();
  return { ran: times.length, spanMillis: times.length ? Math.max(...times) - Math.min(...times) : 0 };
}

let out;
try {
  out = { jobs: await jobs(), flow: await flow(), limited: await limited() };
} catch (e) {
  out = { error: String(e && e.stack || e) };
}
console.log(JSON.stringify(out));
await connection.quit().catch(() => {});
process.exit(out.error ? 1 : 0);
