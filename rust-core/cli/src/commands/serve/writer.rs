//! The group commit: one thread owns the database's writing connection,
//! takes whatever POSTs have queued, ingests them all in one transaction,
//! commits (fsync'd, see `PublisherDb::sync_every_commit`), and only then
//! answers each waiting request. One fsync serves every message that
//! arrived while the previous one ran, so the rate a disk allows grows
//! with the load instead of capping it.
//!
//! The queue is bounded twice: the channel holds at most `--queue`
//! requests, and a semaphore of `--queue` permits counts the messages in
//! them; a POST that finds either full is answered 429, never queued.

use super::metrics::Metrics;
use anyhow::Result;
use canhgiac_core::publisher::{Batch, IngestOptions, Outcome, PublisherDb, ingest_batches};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{OwnedSemaphorePermit, mpsc, oneshot};

/// Most messages one commit takes: a commit stays short enough that the
/// requests after it do not wait behind a huge one.
const MAX_COMMIT_MESSAGES: usize = 5_000;

/// One POST waiting for its commit.
pub struct Job {
    pub gateway: Arc<str>,
    pub batch: Batch,
    /// The outcome of each message once committed, or why nothing was.
    pub reply: oneshot::Sender<std::result::Result<Vec<Outcome>, String>>,
    /// The batch's place in the queue, given back when it is answered.
    pub permit: OwnedSemaphorePermit,
}

/// Runs until every sender is gone and the channel is empty: what was
/// queued when the server stopped is still committed and answered.
pub fn run(
    mut db: PublisherDb,
    options: IngestOptions,
    mut jobs: mpsc::Receiver<Job>,
    metrics: Arc<Metrics>,
) -> Result<()> {
    while let Some(first) = jobs.blocking_recv() {
        let mut group = vec![first];
        let mut messages = group[0].batch.len();
        while messages < MAX_COMMIT_MESSAGES {
            match jobs.try_recv() {
                Ok(job) => {
                    messages += job.batch.len();
                    group.push(job);
                }
                Err(_) => break,
            }
        }
        commit(&mut db, &options, group, &metrics);
    }
    tracing::info!("the queue is drained and committed; the inbox stops");
    Ok(())
}

fn commit(db: &mut PublisherDb, options: &IngestOptions, group: Vec<Job>, metrics: &Metrics) {
    let started = Instant::now();
    let batches: Vec<(&str, &Batch)> = group.iter().map(|j| (&*j.gateway, &j.batch)).collect();
    let mut result = ingest_batches(db, &batches, options);
    // Another process writing (a publish, a `reports ingest`) holds the
    // lock past the busy timeout: the group waits and is tried again, the
    // queue fills behind it and new POSTs get 429s; nothing is refused
    // that a moment later would go in.
    while matches!(&result, Err(e) if e.is_busy()) {
        tracing::warn!("the database is busy with another writer; the commit waits");
        // Each try waits out the busy timeout itself; this only keeps an
        // immediate SQLITE_BUSY from spinning.
        std::thread::sleep(std::time::Duration::from_millis(50));
        result = ingest_batches(db, &batches, options);
    }
    match result {
        Ok(outcomes) => {
            let took = started.elapsed();
            metrics.committed(
                took,
                group
                    .iter()
                    .zip(&outcomes)
                    .flat_map(|(j, o)| o.iter().map(|o| (&*j.gateway, o))),
            );
            tracing::debug!(
                requests = group.len(),
                messages = outcomes.iter().map(Vec::len).sum::<usize>(),
                ms = took.as_secs_f64() * 1000.0,
                "committed"
            );
            for (job, outcome) in group.into_iter().zip(outcomes) {
                // Its place in the queue is free before it is answered: the
                // gateway's next POST finds it.
                drop(job.permit);
                // A request whose client went away has no one to answer.
                let _ = job.reply.send(Ok(outcome));
            }
        }
        Err(e) => {
            metrics.commit_failed();
            // The database's own words: no message's content is in them.
            let why = format!("the database could not commit: {e}");
            tracing::error!("{why}");
            for job in group {
                drop(job.permit);
                let _ = job.reply.send(Err(why.clone()));
            }
        }
    }
}
