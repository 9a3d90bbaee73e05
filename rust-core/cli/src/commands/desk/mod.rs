//! `desk`: the operator's desk, web pages for the people who run the
//! publisher: what the last publishes did, the review queue, disputes,
//! one number's history, the rejected input. Served on loopback (nginx in
//! front gives it TLS, see the README), in Vietnamese or English.
//!
//! The route table and the state are here; signing in and sessions in
//! `auth`, the forms' tokens in `csrf`, the words in `i18n`, the page's
//! frame and the headers every response carries in `layout`, the SVG
//! charts in `charts`, each page in `pages/`.
//!
//! The desk holds no feed key and no reporter key. It reads the publisher
//! database (WAL: `reports serve` and `publish` go on writing) and writes
//! only operators' decisions, disputes, operators and sessions, each
//! through the library call the CLI's commands use, with the signed-in
//! operator's name.

mod auth;
mod charts;
mod csrf;
mod i18n;
mod layout;
mod pages;
mod throttle;

use super::Db;
use crate::args::{DeskArgs, DeskCommand};
use anyhow::{Context, Result};
use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use canhgiac_core::publisher::PublisherDb;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    /// The connection pages read with.
    reads: Mutex<PublisherDb>,
    /// The connection decisions, disputes and sessions are written with:
    /// a page being read never waits behind a decision being written.
    writes: Mutex<PublisherDb>,
    /// A hash of no one's password: an unknown name is verified against it,
    /// so that it costs what a wrong password costs.
    decoy_hash: String,
    /// Wrong sign-ins counted per name (throttle.rs).
    throttle: throttle::Throttle,
    /// The follow page's link and QR code, made once at start.
    follow: pages::follow::Follow,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Why a page could not be answered as asked.
pub enum DeskError {
    /// The database failed (its own words; they hold no reporter).
    Db(String),
    /// Something the operator sent is not usable: shown back in words.
    Input(String),
    NotFound,
}

impl From<canhgiac_core::Error> for DeskError {
    fn from(e: canhgiac_core::Error) -> Self {
        match e {
            canhgiac_core::Error::Sql(_) | canhgiac_core::Error::Open(_) => {
                DeskError::Db(e.to_string())
            }
            other => DeskError::Input(other.to_string()),
        }
    }
}

impl AppState {
    /// Runs `f` with the reading connection, off the async threads.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&PublisherDb) -> canhgiac_core::Result<T> + Send + 'static,
    ) -> Result<T, DeskError> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let db = state
                .reads
                .lock()
                .map_err(|_| DeskError::Db("the reading connection broke".into()))?;
            f(&db).map_err(DeskError::from)
        })
        .await
        .map_err(|_| DeskError::Db("the read failed".into()))?
    }

    /// Runs `f` with the writing connection, off the async threads.
    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut PublisherDb) -> canhgiac_core::Result<T> + Send + 'static,
    ) -> Result<T, DeskError> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut db = state
                .writes
                .lock()
                .map_err(|_| DeskError::Db("the writing connection broke".into()))?;
            f(&mut db).map_err(DeskError::from)
        })
        .await
        .map_err(|_| DeskError::Db("the write failed".into()))?
    }
}

pub fn run(db: &Db, args: DeskArgs) -> Result<()> {
    if let Some(DeskCommand::AddOperator { name, reset }) = args.command {
        return auth::add_operator(db, &name, reset);
    }
    let state = AppState(Arc::new(Shared {
        reads: Mutex::new(db.publisher()?),
        writes: Mutex::new(PublisherDb::open(db.publisher_path()?)?),
        decoy_hash: auth::decoy_hash()?,
        throttle: throttle::Throttle::default(),
        follow: pages::follow::FeedPlace {
            dir: args.feed_dir,
            url: args.feed_url,
            name: args.feed_name,
            keys: args.feed_keys,
        }
        .follow()?,
    }));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let stop = super::serve::stop_signal()?;
        outln!("desk listening on http://{}", listener.local_addr()?);
        // The tests and scripts wait for this line before they connect.
        std::io::stdout().flush()?;
        axum::serve(listener, router(state))
            .with_graceful_shutdown(stop)
            .await
            .context("the desk stopped")
    })?;
    outln!("desk stopped");
    Ok(())
}

/// The whole route table, a route a line. Every page but the sign-in and
/// the stylesheet needs a session; every POST a form token.
fn router(state: AppState) -> Router {
    let signed_in = Router::new()
        .route("/", get(pages::overview::get))
        .route("/held", get(pages::held::get))
        .route("/held/{digits}/approve", post(pages::held::approve))
        .route("/held/{digits}/reject", post(pages::held::reject))
        .route(
            "/disputes",
            get(pages::disputes::get).post(pages::disputes::add),
        )
        .route("/disputes/{id}/withdraw", post(pages::disputes::withdraw))
        .route("/number", get(pages::number::search))
        .route("/number/{digits}", get(pages::number::get))
        .route("/rejected", get(pages::rejected::get))
        .route("/follow", get(pages::follow::get))
        .route("/logout", post(auth::logout))
        .layer(from_fn(csrf::check))
        .layer(from_fn(layout::framed_errors))
        .layer(from_fn_with_state(state.clone(), auth::require_session));
    Router::new()
        .route(
            "/login",
            get(auth::login_page)
                .post(auth::login)
                .layer(from_fn(csrf::check)),
        )
        .route("/static/desk.css", get(layout::stylesheet))
        .merge(signed_in)
        .fallback(layout::not_found)
        .layer(from_fn(i18n::language))
        .layer(from_fn(layout::headers))
        .with_state(state)
}
