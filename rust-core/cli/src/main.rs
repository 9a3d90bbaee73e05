//! `canhgiac`: the Cảnh Giác core on the desktop. Developers test with it;
//! list publishers build and check feeds with it. Human-readable output by
//! default, one JSON object per line with `--json`. `args.rs` is the
//! command line, `commands/` one file per command, `output.rs` the shared
//! printing.

// First: its `outln!` and `errln!` are used by the modules after it.
#[macro_use]
mod output;
mod args;
mod commands;

use args::{Cli, Command};
use clap::Parser;
use commands::{
    Db, backup, check, desk, feed, feeds, inbox, lists, normalize, policy, report, sync,
};
use std::process::ExitCode;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let code = match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            errln!("error: {e:#}");
            ExitCode::FAILURE
        }
    };
    // The work is done either way; a reader that went away early is not a
    // failure, output lost otherwise is.
    match output::output_error() {
        Some(e) => {
            errln!("error: the output could not be written: {e}");
            ExitCode::FAILURE
        }
        None => code,
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let db = Db {
        path: cli.db,
        reporter_key: cli.reporter_key,
    };
    let lang = cli.lang;
    match cli.command {
        Command::Normalize { raw, json } => return Ok(normalize::run(&raw, json)),
        Command::Import { file, json } => lists::import(&db, &file, json)?,
        Command::Allow { raw } => lists::change(&db, &raw, lists::Change::Allow)?,
        Command::Block { raw } => lists::change(&db, &raw, lists::Change::Block)?,
        Command::Unallow { raw } => lists::change(&db, &raw, lists::Change::Unallow)?,
        Command::Unblock { raw } => lists::change(&db, &raw, lists::Change::Unblock)?,
        Command::List { list, json } => lists::show(&db, list, json)?,
        Command::Policy {
            unknown,
            suspicious,
            nuisance,
            scam,
            blocked,
            json,
        } => policy::run(&db, [unknown, suspicious, nuisance, scam, blocked], json)?,
        Command::Check {
            raw,
            contact,
            verification,
            hidden,
            json,
        } => check::run(&db, raw, contact, verification, hidden, json, lang)?,
        Command::Report {
            raw,
            kind,
            to,
            content,
            ascii,
            template,
            json,
        } => report::run(&db, raw, kind, to, content, ascii, template, json)?,
        Command::History { limit, json } => check::history(&db, limit, json, lang)?,
        Command::Stats { json } => lists::stats(&db, json)?,
        Command::Sync(args) => return sync::run(&db, args),
        Command::Feeds(cmd) => feeds::run(&db, cmd)?,
        Command::Export { file, history } => backup::export(&db, &file, history)?,
        Command::Restore { file, json } => backup::restore(&db, &file, json)?,
        Command::Health { json } => backup::health(&db, json)?,
        Command::Feed(cmd) => feed::run(cmd)?,
        Command::Reports(cmd) => return inbox::run(&db, cmd),
        Command::Publish(args) => return inbox::publish(&db, args),
        Command::Desk(args) => desk::run(&db, args)?,
    }
    Ok(ExitCode::SUCCESS)
}
