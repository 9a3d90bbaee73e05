//! `reports serve` end to end: the real server on loopback, driven over
//! raw HTTP/1.1 as a gateway would, its database read back with SQLite and
//! through `publish`. Refusals (no token, a wrong one, bodies too large,
//! not JSON, the wrong types, the wrong content type, a full queue) each
//! get their 4xx and keep nothing; what got a 202 is in the database
//! exactly once, even across a kill -9; the gateway is named, never its
//! token. Reporters are synthetic (0901 000 000 + i).

mod common;
use common::http::{Listening, Response, http, spawn_listening, try_http};
use common::{day, ok, s};
use serde_json::{Value, json};
use std::io::{BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const TOKEN_A: &str = "aaaaaaaa0123456789abcdef0123456789abcdef";
const TOKEN_B: &str = "bbbbbbbb0123456789abcdef0123456789abcdef";

/// A publisher's folder: its database, reporter key and token file.
struct Inbox {
    dir: tempfile::TempDir,
}

impl Inbox {
    fn new() -> Inbox {
        let dir = tempfile::tempdir().unwrap();
        let inbox = Inbox { dir };
        inbox.publisher(&["reports", "init"]);
        let tokens = inbox.p("tokens.txt");
        std::fs::write(
            &tokens,
            format!("# one line per gateway\nsms-a {TOKEN_A}\nsms-b {TOKEN_B}\n"),
        )
        .unwrap();
        set_mode(&tokens, 0o600);
        inbox
    }

    fn p(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn db_args(&self) -> Vec<String> {
        vec![
            "--db".into(),
            s(&self.p("publisher.db")),
            "--reporter-key".into(),
            s(&self.p("reporter.key")),
        ]
    }

    fn publisher(&self, args: &[&str]) -> String {
        let mut all = self.db_args();
        all.extend(args.iter().map(|a| a.to_string()));
        ok(&all.iter().map(String::as_str).collect::<Vec<_>>())
    }

    fn serve(&self, extra: &[&str]) -> Server {
        Server::start(&self.serve_args(extra), &self.p("serve.log"))
    }

    /// `reports serve` on a free loopback port with the gateways' tokens.
    fn serve_args(&self, extra: &[&str]) -> Vec<String> {
        let mut args = self.db_args();
        args.extend(
            [
                "reports",
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--token-file",
                &s(&self.p("tokens.txt")),
            ]
            .iter()
            .chain(extra)
            .map(|a| a.to_string()),
        );
        args
    }

    fn count(&self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open(self.p("publisher.db")).unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The server, started on a free port; killed on drop.
struct Server {
    child: Child,
    stdout: BufReader<ChildStdout>,
    addr: String,
}

impl Server {
    fn start(args: &[String], log: &Path) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_canhgiac"));
        cmd.args(args)
            .env_remove("CANHGIAC_DB")
            .env("RUST_LOG", "debug")
            .stderr(std::fs::File::create(log).unwrap());
        let Listening {
            child,
            stdout,
            addr,
        } = spawn_listening(&mut cmd, "listening on ")
            .unwrap_or_else(|line| panic!("serve said {line:?}: {}", read(log)));
        Server {
            child,
            stdout,
            addr,
        }
    }

    fn post(&self, token: Option<&str>, body: &str) -> Response {
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut headers = vec![("Content-Type", "application/json")];
        if let Some(a) = &auth {
            headers.push(("Authorization", a));
        }
        http(
            &self.addr,
            "POST",
            "/v1/messages",
            &headers,
            body.as_bytes(),
        )
    }

    fn get(&self, path: &str) -> Response {
        http(&self.addr, "GET", path, &[], b"")
    }

    /// SIGTERM, then the exit status and what it printed after `listening`.
    fn stop(mut self) -> (bool, String) {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let status = self.child.wait().unwrap();
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).unwrap();
        (status.success(), rest)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read(path: &Path) -> String {
    String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned()
}

/// A message from reporter `who` about `body`, `days_ago` days ago.
fn msg(who: u32, body: &str, id: Option<&str>) -> Value {
    let mut m = json!({
        "received_at": format!("{}T09:{:02}:00+07:00", day(1), who % 60),
        "sender": format!("0901{who:06}"),
        "to": "156",
        "body": body,
    });
    if let Some(id) = id {
        m["message_id"] = json!(id);
    }
    m
}

fn metric(text: &str, line_start: &str) -> u64 {
    text.lines()
        .find(|l| l.starts_with(line_start))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_post_needs_a_gateways_token() {
    let inbox = Inbox::new();
    let server = inbox.serve(&[]);
    let body = msg(1, "LD 0912000001 lua dao", None).to_string();
    let none = server.post(None, &body);
    assert_eq!(none.status, 401);
    assert!(
        none.header("WWW-Authenticate")
            .unwrap()
            .starts_with("Bearer")
    );
    assert!(none.json()["error"].as_str().unwrap().contains("Bearer"));
    let wrong = server.post(Some(&TOKEN_A.replace('a', "c")), &body);
    assert_eq!(wrong.status, 401);
    assert!(
        wrong
            .header("WWW-Authenticate")
            .unwrap()
            .contains("invalid_token")
    );
    // Not a bearer token at all.
    let basic = http(
        &server.addr,
        "POST",
        "/v1/messages",
        &[
            ("Content-Type", "application/json"),
            ("Authorization", "Basic c21zLWE6cGFzcw=="),
        ],
        body.as_bytes(),
    );
    assert_eq!(basic.status, 401);
    assert_eq!(inbox.count("SELECT count(*) FROM report"), 0);
    let metrics = server.get("/metrics").body;
    assert_eq!(
        metric(&metrics, "canhgiac_refused_total{status=\"401\"}"),
        3
    );
    // The health check needs no token and says nothing but that.
    let health = server.get("/healthz");
    assert_eq!((health.status, health.body.trim()), (200, "ok"));
    // With the token, the same message goes in (the scheme's name in any case).
    let lower = http(
        &server.addr,
        "POST",
        "/v1/messages",
        &[
            ("Content-Type", "application/json; charset=utf-8"),
            ("Authorization", &format!("bearer {TOKEN_A}")),
        ],
        body.as_bytes(),
    );
    assert_eq!(lower.status, 202, "{}", lower.body);
    assert_eq!(inbox.count("SELECT count(*) FROM report"), 1);
}

#[test]
fn one_message_and_a_batch_go_into_the_list_as_an_export_would() {
    let inbox = Inbox::new();
    let server = inbox.serve(&[]);
    let one = server.post(
        Some(TOKEN_A),
        &msg(1, "LD 0912000001 mao danh cong an", None).to_string(),
    );
    assert_eq!(one.status, 202, "{}", one.body);
    assert_eq!(one.json()["results"], json!([{"status": "accepted"}]));
    // A batch: two more people about the same number, one message that is
    // not a report, one from a fixed line (not a person's mobile).
    let batch = json!([
        msg(2, "LD 0912 000 001 goi noi la cong an", Some("gw-2")),
        msg(3, "ld:0912000001 chuyen tien", Some(&"x".repeat(10))),
        msg(4, "cam on", None),
        {"received_at": format!("{}T09:00:00+07:00", day(1)), "sender": "02439361111",
         "to": 156, "body": "LD 0912000001 goi"},
    ]);
    let r = server.post(Some(TOKEN_B), &batch.to_string());
    assert_eq!(r.status, 202, "{}", r.body);
    let got = r.json();
    assert_eq!(
        (got["accepted"].as_u64(), got["rejected"].as_u64()),
        (Some(2), Some(2))
    );
    let results = got["results"].as_array().unwrap();
    assert_eq!(results[2]["status"], "rejected");
    assert_eq!(results[3]["code"], "sender_not_mobile", "{got}");
    // The same tables as `reports ingest`: a publish lists the number that
    // three people reported.
    ok(&["feed", "keygen", "--out", &s(&inbox.p("keys"))]);
    std::fs::write(inbox.p("policy.toml"), "min_reporters = 3\n").unwrap();
    let published = inbox.publisher(&[
        "publish",
        "--key",
        &s(&inbox.p("keys/feed.key")),
        "--out",
        &s(&inbox.p("www/feed")),
        "--policy",
        &s(&inbox.p("policy.toml")),
        "--json",
    ]);
    let published: Value = serde_json::from_str(&published).unwrap();
    assert_eq!(
        published["added_numbers"],
        json!(["+84912000001"]),
        "{published}"
    );
    // The publish report counts what the gateways' POSTs rejected, by code.
    assert!(
        published.to_string().contains("sender_not_mobile"),
        "{published}"
    );
    let metrics = server.get("/metrics").body;
    for (line, n) in [
        (
            "canhgiac_messages_total{gateway=\"sms-a\",outcome=\"accepted\",reason=\"\"}",
            1,
        ),
        (
            "canhgiac_messages_total{gateway=\"sms-b\",outcome=\"accepted\",reason=\"\"}",
            2,
        ),
        (
            "canhgiac_messages_total{gateway=\"sms-b\",outcome=\"rejected\",reason=\"sender_not_mobile\"}",
            1,
        ),
        ("canhgiac_commit_messages_count", 2),
    ] {
        assert_eq!(metric(&metrics, line), n, "{line}\n{metrics}");
    }
    let (stopped, said) = server.stop();
    assert!(
        stopped && said.contains("every queued message was committed"),
        "{said}"
    );
}

#[test]
fn a_message_sent_twice_counts_once() {
    let inbox = Inbox::new();
    let server = inbox.serve(&[]);
    let m = msg(1, "LD 0912000001 lua dao", Some("sms-123"));
    // Twice in one batch, then again alone, then the same id with another
    // time (a gateway's retry stamps it anew): one report.
    let mut retried = m.clone();
    retried["received_at"] = json!(format!("{}T10:00:00+07:00", day(1)));
    let first = server
        .post(Some(TOKEN_A), &json!([m, m]).to_string())
        .json();
    assert_eq!(
        first["results"],
        json!([{"status": "accepted"}, {"status": "duplicate"}])
    );
    for again in [&m, &retried] {
        let r = server.post(Some(TOKEN_A), &again.to_string());
        assert_eq!(r.status, 202);
        assert_eq!(r.json()["results"], json!([{"status": "duplicate"}]));
    }
    // Without an id, the same time, sender and body is the same message.
    let plain = msg(2, "LD 0912000001 lua dao", None).to_string();
    assert_eq!(server.post(Some(TOKEN_B), &plain).json()["accepted"], 1);
    assert_eq!(server.post(Some(TOKEN_B), &plain).json()["duplicates"], 1);
    assert_eq!(inbox.count("SELECT count(*) FROM report"), 2);
    let metrics = server.get("/metrics").body;
    assert_eq!(
        metric(
            &metrics,
            "canhgiac_messages_total{gateway=\"sms-a\",outcome=\"duplicate\",reason=\"\"}"
        ),
        3
    );
    // One ingest_run row per gateway until a publish reads them.
    assert_eq!(inbox.count("SELECT count(*) FROM ingest_run"), 2);
    assert_eq!(inbox.count("SELECT sum(duplicates) FROM ingest_run"), 4);
}

#[test]
fn bad_requests_get_a_clear_4xx_and_keep_nothing() {
    let inbox = Inbox::new();
    let server = inbox.serve(&[]);
    let good = msg(1, "LD 0912000001 lua dao", None);
    let huge =
        json!([{"received_at": "x", "sender": "1", "to": "156", "body": "a".repeat(1100 * 1024)}]);
    let long_batch = Value::Array(vec![good.clone(); 1001]);
    let wrong_types = json!([good, {"received_at": 5, "sender": [1], "to": "156", "body": "LD"}]);
    let auth = format!("Bearer {TOKEN_A}");
    let cases: [(&str, &str, u16, &str); 7] = [
        (
            "application/json",
            &huge.to_string(),
            413,
            "larger than 1024 KiB",
        ),
        (
            "application/json",
            &long_batch.to_string(),
            413,
            "at most 1000 messages",
        ),
        ("application/json", "{\"received_at\": ", 400, "not JSON"),
        ("application/json", "\"LD 0912000001\"", 400, "one message"),
        ("application/json", "[]", 400, "empty"),
        (
            "application/json",
            &wrong_types.to_string(),
            422,
            "message 2:",
        ),
        (
            "text/csv",
            "received_at,sender,to,body\n",
            415,
            "Content-Type: application/json",
        ),
    ];
    for (content_type, body, status, says) in cases {
        let r = http(
            &server.addr,
            "POST",
            "/v1/messages",
            &[("Content-Type", content_type), ("Authorization", &auth)],
            body.as_bytes(),
        );
        assert_eq!(r.status, status, "{says}: {}", r.body);
        let error = r.json()["error"].as_str().unwrap().to_string();
        assert!(error.contains(says), "{error}");
        // A refusal never repeats what was sent (a sender's number).
        assert!(!error.contains("0901000001"), "{error}");
    }
    // A message too long for a JSON line is rejected alone, as in a file.
    let long_body = json!([
        good,
        msg(
            2,
            &format!("LD 0912000002 {}", "a".repeat(300 * 1024)),
            None
        )
    ]);
    let r = server.post(Some(TOKEN_A), &long_body.to_string());
    assert_eq!(r.status, 202);
    assert_eq!(r.json()["results"][1]["code"], "too_long");
    assert_eq!(inbox.count("SELECT count(*) FROM report"), 1);
    let metrics = server.get("/metrics").body;
    assert_eq!(
        metric(&metrics, "canhgiac_refused_total{status=\"413\"}"),
        2
    );
}

#[test]
fn a_body_that_never_arrives_is_refused_408() {
    let inbox = Inbox::new();
    let server = inbox.serve(&[]);
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    // The headers promise 100 bytes; 10 come, then nothing.
    write!(
        stream,
        "POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer {TOKEN_A}\r\nContent-Length: 100\r\n\r\n[{{\"receiv"
    )
    .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("nothing of it was kept"), "{answer}");
    assert_eq!(inbox.count("SELECT count(*) FROM report"), 0);
}

#[test]
fn a_full_queue_answers_429_with_retry_after() {
    let inbox = Inbox::new();
    // A queue of one message: a batch of two can never fit.
    let server = inbox.serve(&["--queue", "1"]);
    let two = json!([
        msg(1, "LD 0912000001 a", None),
        msg(2, "LD 0912000001 b", None)
    ]);
    let r = server.post(Some(TOKEN_A), &two.to_string());
    assert_eq!(r.status, 429, "{}", r.body);
    assert_eq!(r.header("Retry-After"), Some("1"));
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("nothing of this request was kept")
    );
    assert_eq!(inbox.count("SELECT count(*) FROM report"), 0);
    // One at a time goes through.
    for m in two.as_array().unwrap() {
        assert_eq!(server.post(Some(TOKEN_A), &m.to_string()).status, 202);
    }
    assert_eq!(inbox.count("SELECT count(*) FROM report"), 2);
    let metrics = server.get("/metrics").body;
    assert_eq!(
        metric(&metrics, "canhgiac_refused_total{status=\"429\"}"),
        1
    );
    assert_eq!(metric(&metrics, "canhgiac_queue_messages"), 0);
}

#[test]
fn a_commit_waits_for_another_writer_rather_than_fail() {
    let inbox = Inbox::new();
    let server = inbox.serve(&[]);
    // Another process holds the write lock (a publish, a big ingest) past
    // the server's busy timeout (5 s).
    let other = rusqlite::Connection::open(inbox.p("publisher.db")).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let addr = server.addr.clone();
    let posting = std::thread::spawn(move || {
        let auth = format!("Bearer {TOKEN_A}");
        let body = msg(1, "LD 0912000001 lua dao", None).to_string();
        let headers = [
            ("Content-Type", "application/json"),
            ("Authorization", &auth),
        ];
        http(&addr, "POST", "/v1/messages", &headers, body.as_bytes())
    });
    std::thread::sleep(Duration::from_secs(6));
    assert!(!posting.is_finished(), "answered while the lock was held");
    other.execute_batch("COMMIT").unwrap();
    let r = posting.join().unwrap();
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(inbox.count("SELECT count(*) FROM report"), 1);
    assert!(read(&inbox.p("serve.log")).contains("busy with another writer"));
}

/// Four gateways' threads sending messages, each about a number of its
/// own (0912 000 000 + n), until the server stops answering.
struct Stream {
    senders: Vec<std::thread::JoinHandle<()>>,
    accepted: Arc<Mutex<Vec<u32>>>,
    sent: Arc<Mutex<Vec<u32>>>,
}

fn stream_msg(n: u32) -> Value {
    msg(
        n,
        &format!("LD 0912{n:06} lua dao"),
        Some(&format!("id-{n}")),
    )
}

impl Stream {
    fn start(addr: &str) -> Stream {
        let accepted = Arc::new(Mutex::new(Vec::<u32>::new()));
        let sent = Arc::new(Mutex::new(Vec::<u32>::new()));
        let senders = (0..4u32)
            .map(|t| {
                let (addr, accepted, sent) = (addr.to_string(), accepted.clone(), sent.clone());
                std::thread::spawn(move || {
                    let auth = format!("Bearer {TOKEN_A}");
                    let headers = [
                        ("Content-Type", "application/json"),
                        ("Authorization", &auth),
                    ];
                    for i in 0..2_000u32 {
                        let n = t * 10_000 + i;
                        sent.lock().unwrap().push(n);
                        let body = stream_msg(n).to_string();
                        match try_http(&addr, "POST", "/v1/messages", &headers, body.as_bytes()) {
                            Ok(r) if r.status == 202 => accepted.lock().unwrap().push(n),
                            // Never a 5xx or a 429: an answer is a 202, or
                            // the connection goes.
                            Ok(r) => panic!("{}: {}", r.status, r.body),
                            Err(_) => break,
                        }
                    }
                })
            })
            .collect();
        Stream {
            senders,
            accepted,
            sent,
        }
    }

    fn wait_for(&self, accepted: usize) {
        while self.accepted.lock().unwrap().len() < accepted {
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Once the server is gone: the messages that got a 202, and all sent.
    fn finish(self) -> (Vec<u32>, Vec<u32>) {
        for s in self.senders {
            s.join().unwrap();
        }
        let accepted = self.accepted.lock().unwrap().clone();
        let sent = self.sent.lock().unwrap().clone();
        (accepted, sent)
    }
}

/// Reports of message n of a [`Stream`] in the database.
fn stored(inbox: &Inbox, n: u32) -> i64 {
    inbox.count(&format!(
        "SELECT count(*) FROM report WHERE number = {}",
        84_912_000_000i64 + i64::from(n)
    ))
}

#[test]
fn sigterm_answers_what_is_under_way_and_commits_the_queue() {
    let inbox = Inbox::new();
    let server = inbox.serve(&[]);
    let stream = Stream::start(&server.addr);
    stream.wait_for(100);
    let (stopped, said) = server.stop();
    let (accepted, _) = stream.finish();
    assert!(stopped, "{said}");
    assert!(
        said.contains("every queued message was committed"),
        "{said}"
    );
    for &n in &accepted {
        assert_eq!(
            stored(&inbox, n),
            1,
            "message {n} got a 202 and is not there once"
        );
    }
}

#[test]
fn what_got_a_202_survives_kill_9_exactly_once() {
    let inbox = Inbox::new();
    let server = inbox.serve(&[]);
    let stream = Stream::start(&server.addr);
    stream.wait_for(100);
    drop(server); // SIGKILL, mid-stream
    let (accepted, sent) = stream.finish();
    assert!(accepted.len() >= 100);
    for &n in &accepted {
        assert_eq!(
            stored(&inbox, n),
            1,
            "message {n} got a 202 and is not there once"
        );
    }
    // The gateway sends again whatever got no 202: each is there once.
    let server = inbox.serve(&[]);
    for &n in &sent {
        let body = stream_msg(n).to_string();
        assert_eq!(server.post(Some(TOKEN_A), &body).status, 202);
    }
    assert_eq!(
        inbox.count("SELECT count(*) FROM report"),
        sent.len() as i64
    );
    assert_eq!(
        inbox.count(
            "SELECT count(*) FROM (SELECT number FROM report GROUP BY number HAVING count(*) > 1)"
        ),
        0
    );
}

#[test]
fn the_gateway_is_named_and_its_token_never_written() {
    let inbox = Inbox::new();
    let server = inbox.serve(&[]);
    let a = server.post(Some(TOKEN_A), &msg(1, "LD 0912000001 a", None).to_string());
    let b = server.post(Some(TOKEN_B), &msg(2, "LD 0912000001 b", None).to_string());
    assert_eq!((a.status, b.status), (202, 202));
    let bad = server.post(
        Some(&TOKEN_B.replace('b', "d")),
        &msg(3, "LD 0912000001 c", None).to_string(),
    );
    assert_eq!(bad.status, 401);
    assert_eq!(
        inbox.count("SELECT count(*) FROM report WHERE gateway = 'sms-a'"),
        1
    );
    assert_eq!(
        inbox.count("SELECT count(*) FROM report WHERE gateway = 'sms-b'"),
        1
    );
    assert_eq!(
        inbox.count("SELECT count(*) FROM ingest_run WHERE gateway = 'sms-a'"),
        1
    );
    let (stopped, said) = server.stop();
    assert!(stopped);
    // Nowhere the server writes: its database, journal, output, debug log.
    let log = read(&inbox.p("serve.log"));
    assert!(log.contains("refused"), "{log}");
    let mut written: Vec<(String, Vec<u8>)> = ["publisher.db", "publisher.db-wal"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(inbox.p(f)).unwrap_or_default()))
        .collect();
    written.push(("stdout".into(), said.into_bytes()));
    written.push(("log".into(), log.into_bytes()));
    for (what, bytes) in &written {
        for secret in [
            TOKEN_A,
            TOKEN_B,
            &TOKEN_B.replace('b', "d"),
            "0901000001",
            "84901000001",
        ] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{what} holds {secret}"
            );
        }
    }
}

#[test]
fn a_token_file_others_can_read_is_refused() {
    let inbox = Inbox::new();
    let tokens = inbox.p("tokens.txt");
    set_mode(&tokens, 0o644);
    let args = inbox.serve_args(&[]);
    let out = common::cli(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("chmod 600"), "{err}");
    assert!(!err.contains(TOKEN_A), "{err}");
    // Without the reporter key, serve cannot count reporters: refused first.
    set_mode(&tokens, 0o600);
    let out = common::cli(&[
        "--db",
        &s(&inbox.p("publisher.db")),
        "reports",
        "serve",
        "--token-file",
        &s(&tokens),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--reporter-key"));
}
