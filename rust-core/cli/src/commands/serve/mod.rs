//! `reports serve`: the hotline inbox as a service. The SMS gateways POST
//! each message as it arrives (`messages`), authenticated by their bearer
//! tokens (`tokens`); one thread commits whatever arrived together
//! (`writer`) and only then are they answered; `status` has the health
//! check and the metrics (`metrics`). The route table is `router`.
//!
//! The inbox holds no feed key and never publishes: `publish` runs apart,
//! with the key mounted only for it.

mod messages;
mod metrics;
mod refusal;
mod router;
mod status;
mod tokens;
mod writer;

use super::Db;
use crate::args::ServeArgs;
use anyhow::{Context, Result, bail};
use canhgiac_core::publisher::{IngestOptions, PublisherDb};
use std::sync::{Arc, Mutex};
use tokio::sync::{Semaphore, mpsc};

/// Bodies read at once: with [`messages::MAX_BODY_BYTES`] each, the most
/// memory requests being read can take (64 MiB).
const READING_AT_ONCE: usize = 64;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    tokens: tokens::Tokens,
    queue: mpsc::Sender<writer::Job>,
    /// One permit per message the queue may hold.
    permits: Arc<Semaphore>,
    capacity: usize,
    reading: Arc<Semaphore>,
    metrics: Arc<metrics::Metrics>,
    /// A connection of its own for `/healthz`: the writer's is busy.
    health: Arc<Mutex<PublisherDb>>,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub fn run(db: &Db, args: ServeArgs) -> Result<()> {
    if db.reporter_key.is_none() {
        bail!(
            "serve counts reporters: pass the reporter key file with --reporter-key FILE (or CANHGIAC_REPORTER_KEY_FILE)"
        );
    }
    let tokens = tokens::Tokens::read(&args.token_file)?;
    let options = IngestOptions {
        allowed_senders: super::inbox::allowed_senders(args.senders_allowed.as_deref())?,
        ..IngestOptions::default()
    };
    let writer_db = db.publisher()?;
    writer_db.sync_every_commit()?;
    let health = PublisherDb::open(db.publisher_path()?)?;
    let capacity = args.queue as usize;
    let (queue, jobs) = mpsc::channel(capacity);
    let metrics = Arc::new(metrics::Metrics::default());
    let gateways = tokens.len();
    let state = AppState(Arc::new(Shared {
        tokens,
        queue,
        permits: Arc::new(Semaphore::new(capacity)),
        capacity,
        reading: Arc::new(Semaphore::new(READING_AT_ONCE)),
        metrics: metrics.clone(),
        health: Arc::new(Mutex::new(health)),
    }));
    let writer = std::thread::Builder::new()
        .name("inbox-writer".into())
        .spawn(move || writer::run(writer_db, options, jobs, metrics))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let stop = stop_signal()?;
        outln!("listening on {}", listener.local_addr()?);
        tracing::info!(gateways, queue = capacity, "the inbox listens");
        axum::serve(listener, router::router(state))
            .with_graceful_shutdown(stop)
            .await
            .context("the server stopped")
    });
    // Every handler, and with them every sender, is gone: the writer
    // commits what is left in the queue and returns.
    runtime.shutdown_background();
    let written = writer
        .join()
        .map_err(|_| anyhow::anyhow!("the writer thread failed"))?;
    served?;
    written?;
    outln!("stopped: every queued message was committed");
    Ok(())
}

/// Resolves at SIGTERM (systemd's stop) or ctrl-c.
pub(super) fn stop_signal() -> Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot listen for SIGTERM")?;
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("stopping: answering what is under way");
    })
}
