//! `canhgiac desk` end to end: the real server on loopback over raw
//! HTTP/1.1 with its cookies carried by hand, a real publisher database
//! made by `reports init`, `reports ingest` and `publish`, read back with
//! SQLite and through the next `publish`. Numbers and reporters are
//! synthetic (0901 000 001, 024 3936 1001, 0981 00x xxx).

mod common;
use common::http::{Listening, Response, http, spawn_listening};
use common::{day, ok, s, succeeded};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

const OPERATOR: &str = "lan";
const PASSWORD: &str = "mật khẩu đủ dài 2026";
/// Two shops' fixed lines, held for review; and a mobile number, listed.
const SHOP_A: &str = "842439361001";
const SHOP_B: &str = "842439361002";
const MOBILE: &str = "84901000001";
const HOSTILE: [&str; 3] = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">bấm vào đây</a>",
];

/// A publisher's folder, published once, with its desk running.
struct Desk {
    dir: tempfile::TempDir,
    child: Child,
    addr: String,
}

impl Desk {
    fn new() -> Desk {
        Desk::with(&[])
    }

    /// A desk started with `desk_args` after `--listen`; `{dir}` in one
    /// stands for the publisher's folder.
    fn with(desk_args: &[&str]) -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let p = |rel: &str| dir.path().join(rel);
        ok(&["feed", "keygen", "--out", &s(&p("keys"))]);
        std::fs::write(p("policy.toml"), "min_reporters = 3\n").unwrap();
        run_ok(dir.path(), &["reports", "init"], None);
        let mut rows = String::from("received_at,sender,to,body\n");
        for (i, number) in ["02439361001", "02439361002", "0901000001"]
            .iter()
            .enumerate()
        {
            for k in 0..3usize {
                rows.push_str(&format!(
                    "{}T09:{:02}:00+07:00,098100{:04},156,LD {number} mao danh cong an\n",
                    day(3 - k as i64),
                    k * 10 + i,
                    i * 3 + k
                ));
            }
        }
        std::fs::write(p("inbox.csv"), rows).unwrap();
        run_ok(
            dir.path(),
            &["reports", "ingest", &s(&p("inbox.csv"))],
            None,
        );
        hostile_reports(&p("publisher.db"));
        publish(dir.path());
        let out = run(
            dir.path(),
            &["desk", "add-operator", OPERATOR],
            Some(&format!("{PASSWORD}\n")),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_canhgiac"));
        cmd.args([
            "--db",
            &s(&p("publisher.db")),
            "desk",
            "--listen",
            "127.0.0.1:0",
        ])
        .args(desk_args.iter().map(|a| a.replace("{dir}", &s(dir.path()))))
        .env_remove("CANHGIAC_DB")
        .stderr(std::fs::File::create(p("desk.log")).unwrap());
        let Listening { child, addr, .. } = spawn_listening(&mut cmd, "desk listening on http://")
            .unwrap_or_else(|line| panic!("desk said {line:?}"));
        Desk { dir, child, addr }
    }

    fn p(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn get(&self, path: &str, cookies: &str) -> Response {
        http(&self.addr, "GET", path, &[("Cookie", cookies)], b"")
    }

    fn post(&self, path: &str, cookies: &str, form: &[(&str, &str)]) -> Response {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        http(
            &self.addr,
            "POST",
            path,
            &[
                ("Cookie", cookies),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            body.as_bytes(),
        )
    }

    /// Signs in: the `cg_session=…` cookie to send.
    fn sign_in(&self) -> String {
        let login = self.get("/login", "");
        let token = login.cookie("cg_login").unwrap();
        let r = self.post(
            "/login",
            &format!("cg_login={token}"),
            &[("csrf", &token), ("name", OPERATOR), ("password", PASSWORD)],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        format!("cg_session={}", r.cookie("cg_session").unwrap())
    }

    fn count(&self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open(self.p("publisher.db")).unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    spawn(dir, args, stdin).wait_with_output().unwrap()
}

/// A desk that must refuse to start: its output once it exits, and a
/// failure (not a hang) when it is still running after 30 s.
fn refused_start(dir: &Path, args: &[&str]) -> Output {
    let mut child = spawn(dir, args, None);
    for _ in 0..300 {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    panic!(
        "the desk started with {args:?}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

fn spawn(dir: &Path, args: &[&str], stdin: Option<&str>) -> std::process::Child {
    let db = s(&dir.join("publisher.db"));
    let key = s(&dir.join("keys/reporter.key"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_canhgiac"))
        .args(["--db", &db, "--reporter-key", &key])
        .args(args)
        .env_remove("CANHGIAC_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child
}

fn run_ok(dir: &Path, args: &[&str], stdin: Option<&str>) -> String {
    succeeded(args, run(dir, args, stdin))
}

fn publish(dir: &Path) -> String {
    let (key, out, policy) = (
        s(&dir.join("keys/feed.key")),
        s(&dir.join("feed")),
        s(&dir.join("policy.toml")),
    );
    run_ok(
        dir,
        &[
            "publish", "--key", &key, "--out", &out, "--policy", &policy, "--json",
        ],
        None,
    )
}

/// Reports whose contents attack the page: markup, a `javascript:` link
/// and a 10,000-character word, as a database may hold them (written
/// straight into it: the desk must not trust what ingest lets in).
fn hostile_reports(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let long = "W".repeat(10_000);
    let mut bodies: Vec<&str> = HOSTILE.to_vec();
    bodies.push(&long);
    for (i, body) in bodies.iter().enumerate() {
        conn.execute("INSERT INTO reporter (hash) VALUES (randomblob(32))", [])
            .unwrap();
        conn.execute(
            "INSERT INTO report (uniq, received_at, day, reporter_id, hotline, keyword, number, content, category)
             SELECT randomblob(16), received_at + ?1, day, last_insert_rowid(), 156, 'LD', number, ?2, 'scam'
               FROM report WHERE number = ?3 LIMIT 1",
            rusqlite::params![i as i64, body, SHOP_A.parse::<i64>().unwrap()],
        )
        .unwrap();
    }
}

/// The headers of the desk's contract, on every response.
fn assert_contract_headers(r: &Response, what: &str) {
    assert_eq!(
        r.header("content-security-policy"),
        Some(
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        ),
        "{what}"
    );
    assert_eq!(r.header("x-frame-options"), Some("DENY"), "{what}");
    assert_eq!(
        r.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{what}");
    let timing = r.header("server-timing").unwrap_or("");
    assert!(timing.starts_with("app;dur="), "{what}: {timing:?}");
}

#[test]
fn signing_in_wrong_passwords_missing_sessions_and_the_cookie() {
    let d = Desk::new();
    // No session: every page sends to the sign-in.
    for path in [
        "/",
        "/held",
        "/disputes",
        "/rejected",
        "/number/84901000001",
    ] {
        let r = d.get(path, "");
        assert_eq!((r.status, r.location()), (303, "/login"), "{path}");
        assert_contract_headers(&r, path);
    }
    let login = d.get("/login", "");
    assert_eq!(login.status, 200);
    assert_eq!(login.header("cache-control"), Some("no-store"));
    for needle in [
        r#"<form id="login" method="post" action="/login">"#,
        r#"id="login-name" name="name""#,
        r#"id="login-password" name="password" type="password""#,
        r#"<button type="submit">"#,
        r#"<html lang="vi">"#,
    ] {
        assert!(login.body.contains(needle), "{needle}: {}", login.body);
    }
    let token = login.cookie("cg_login").unwrap();
    let jar = format!("cg_login={token}");
    // A wrong password, and a name no one has: 401, the form again, no session.
    for (name, password) in [(OPERATOR, "not the password"), ("nobody", PASSWORD)] {
        let r = d.post(
            "/login",
            &jar,
            &[("csrf", &token), ("name", name), ("password", password)],
        );
        assert_eq!(r.status, 401, "{name}");
        assert!(r.body.contains(r#"<p id="login-error" role="alert">"#));
        assert!(r.set_cookie("cg_session").is_none());
    }
    // The sign-in form's own token is required too.
    let r = d.post(
        "/login",
        &jar,
        &[("name", OPERATOR), ("password", PASSWORD)],
    );
    assert_eq!(r.status, 403);
    assert_eq!(d.count("SELECT count(*) FROM session"), 0);
    // Signed in: 303 to the overview, the cookie's attributes, no Secure
    // over plain http.
    let r = d.post(
        "/login",
        &jar,
        &[("csrf", &token), ("name", OPERATOR), ("password", PASSWORD)],
    );
    assert_eq!((r.status, r.location()), (303, "/"));
    let set = r.set_cookie("cg_session").unwrap();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set.contains(attr), "{set}");
    }
    assert!(!set.contains("Secure"), "{set}");
    let session = format!("cg_session={}", r.cookie("cg_session").unwrap());
    // The database holds the token's hash, never the token.
    let token_value = r.cookie("cg_session").unwrap();
    let conn = rusqlite::Connection::open(d.p("publisher.db")).unwrap();
    let (hash, who): (Vec<u8>, String) = conn
        .query_row("SELECT token_hash, operator FROM session", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(who, OPERATOR);
    assert_ne!(hex::encode(&hash), token_value);
    assert_eq!(hash.len(), 32);
    // Behind nginx's https: Secure.
    let login = d.get("/login", "");
    let t2 = login.cookie("cg_login").unwrap();
    let body = format!(
        "csrf={t2}&name={OPERATOR}&password={}",
        form_urlencoded::byte_serialize(PASSWORD.as_bytes()).collect::<String>()
    );
    let r = http(
        &d.addr,
        "POST",
        "/login",
        &[
            ("Cookie", &format!("cg_login={t2}")),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("X-Forwarded-Proto", "https"),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 303);
    assert!(r.set_cookie("cg_session").unwrap().contains("; Secure"));
    // The overview, in Vietnamese by default, in English when asked.
    let page = d.get("/", &session);
    assert_eq!(page.status, 200);
    assert_contract_headers(&page, "/");
    assert_eq!(page.header("cache-control"), Some("no-store"));
    for needle in [
        r#"<html lang="vi">"#,
        r#"<main id="overview">"#,
        r#"<table id="publishes""#,
        r#"<svg id="chart-reports""#,
        r#"<svg id="chart-listed""#,
        r#"<svg id="chart-labels""#,
        r#"href="/follow""#,
        r#"<form id="search" method="get" action="/number""#,
        r#"<input id="search-q" name="q""#,
        r#"<label for="search-q">Tra số</label>"#,
        r#"href="?lang=en""#,
        r#"<form id="logout" method="post" action="/logout">"#,
    ] {
        assert!(page.body.contains(needle), "{needle}");
    }
    let en = d.get("/?lang=en", &session);
    assert!(en.body.contains(r#"<html lang="en">"#));
    assert!(en.set_cookie("lang").unwrap().starts_with("lang=en"));
    let accept = http(
        &d.addr,
        "GET",
        "/",
        &[("Cookie", &session), ("Accept-Language", "en-US,en;q=0.9")],
        b"",
    );
    assert!(accept.body.contains(r#"<html lang="en">"#));
    assert!(accept.body.contains("Look up a number"));
    // Signing out ends the session in the database too.
    let csrf = csrf_of(&page.body);
    let r = d.post("/logout", &session, &[("csrf", &csrf)]);
    assert_eq!((r.status, r.location()), (303, "/login"));
    assert_eq!(d.get("/", &session).status, 303);
}

/// The form token the page carries.
fn csrf_of(body: &str) -> String {
    let at = body.find(r#"name="csrf" value=""#).unwrap() + r#"name="csrf" value=""#.len();
    body[at..at + 64].to_string()
}

#[test]
fn posts_without_their_token_are_refused_and_change_nothing() {
    let d = Desk::new();
    let session = d.sign_in();
    let before = (
        d.count("SELECT count(*) FROM audit"),
        d.count("SELECT count(*) FROM review WHERE state = 'held'"),
        d.count("SELECT count(*) FROM dispute"),
    );
    let wrong = "0".repeat(64);
    for csrf in [None, Some(wrong.as_str())] {
        let mut form = vec![("reason", "a scam line")];
        if let Some(c) = csrf {
            form.push(("csrf", c));
        }
        for path in [
            format!("/held/{SHOP_A}/approve"),
            format!("/held/{SHOP_A}/reject"),
            "/disputes".to_string(),
        ] {
            let mut f = form.clone();
            f.push(("number", "0901000001"));
            let r = d.post(&path, &session, &f);
            assert_eq!(r.status, 403, "{path} {csrf:?}");
            assert!(r.body.contains(r#"id="error""#), "{}", r.body);
            assert_contract_headers(&r, &path);
        }
    }
    let after = (
        d.count("SELECT count(*) FROM audit"),
        d.count("SELECT count(*) FROM review WHERE state = 'held'"),
        d.count("SELECT count(*) FROM dispute"),
    );
    assert_eq!(before, after);
    assert_eq!(before.1, 2, "both shops are held");
}

#[test]
fn approving_and_rejecting_held_numbers_names_the_operator_and_the_next_publish_lists_it() {
    let d = Desk::new();
    let session = d.sign_in();
    let held = d.get("/held", &session);
    assert_eq!(held.status, 200);
    for needle in [
        r#"<main id="held">"#.to_string(),
        r#"<table id="held-table""#.to_string(),
        format!(r#"<tr id="held-{SHOP_A}""#),
        format!(r#"<tr id="held-{SHOP_B}""#),
        format!(r#"<form class="approve" method="post" action="/held/{SHOP_A}/approve">"#),
        format!(r#"<form class="reject" method="post" action="/held/{SHOP_B}/reject">"#),
        format!(r#"<label for="approve-reason-{SHOP_A}">"#),
        "mạo danh công an, tòa án".to_string(),
    ] {
        assert!(held.body.contains(&needle), "{needle}");
    }
    let csrf = csrf_of(&held.body);
    // A reason is required: refused in words, nothing written.
    let r = d.post(
        &format!("/held/{SHOP_A}/approve"),
        &session,
        &[("csrf", &csrf), ("reason", "  ")],
    );
    assert_eq!(r.status, 400);
    assert!(r.body.contains("reason is missing"), "{}", r.body);
    let r = d.post(
        &format!("/held/{SHOP_A}/approve"),
        &session,
        &[("csrf", &csrf), ("reason", "ba người, cùng kịch bản")],
    );
    assert_eq!(r.status, 303);
    assert!(r.location().starts_with("/held?"), "{}", r.location());
    let back = d.get(r.location(), &session);
    assert!(
        back.body.contains(r#"<p id="flash" role="status">"#),
        "{}",
        back.body
    );
    let r = d.post(
        &format!("/held/{SHOP_B}/reject"),
        &session,
        &[("csrf", &csrf), ("reason", "cửa hàng thật")],
    );
    assert_eq!(r.status, 303);
    let audit = run_ok(
        d.dir.path(),
        &["reports", "audit", "--number", "02439361001"],
        None,
    );
    let last: serde_json::Value = serde_json::from_str(audit.lines().last().unwrap()).unwrap();
    assert_eq!(last["operator_decision"], "approved", "{audit}");
    assert_eq!(last["operator"], OPERATOR);
    let audit = run_ok(
        d.dir.path(),
        &["reports", "audit", "--number", "02439361002"],
        None,
    );
    assert!(
        audit.contains(r#""operator_decision":"rejected""#),
        "{audit}"
    );
    // The next publish lists the approved shop and not the rejected one.
    publish(d.dir.path());
    assert_eq!(
        d.count(&format!(
            "SELECT count(*) FROM listed WHERE number = {SHOP_A}"
        )),
        1
    );
    assert_eq!(
        d.count(&format!(
            "SELECT count(*) FROM listed WHERE number = {SHOP_B}"
        )),
        0
    );
    let page = d.get(&format!("/number/{SHOP_A}"), &session);
    assert!(page.body.contains(r#"<p id="decision">"#));
    assert!(page.body.contains("approved"), "{}", page.body);
}

#[test]
fn a_dispute_is_added_then_withdrawn_by_the_signed_in_operator() {
    let d = Desk::new();
    let session = d.sign_in();
    let page = d.get("/disputes", &session);
    for needle in [
        r#"<main id="disputes">"#,
        r#"<section id="disputes-open""#,
        r#"<section id="disputes-withdrawn""#,
        r#"<section id="disputes-decided""#,
        r#"<form id="dispute-add" method="post" action="/disputes">"#,
        r#"name="number""#,
        r#"<textarea id="dispute-reason" name="reason""#,
    ] {
        assert!(page.body.contains(needle), "{needle}");
    }
    let csrf = csrf_of(&page.body);
    let r = d.post(
        "/disputes",
        &session,
        &[
            ("csrf", &csrf),
            ("number", "+84 901 000 001"),
            ("reason", "số của cửa hàng tôi"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let id = d.count("SELECT max(id) FROM dispute");
    let page = d.get("/disputes", &session);
    let open = section(&page.body, "disputes-open");
    assert!(
        open.contains(&format!(r#"<tr id="dispute-{id}">"#)),
        "{open}"
    );
    assert!(open.contains(&format!(r#"action="/disputes/{id}/withdraw""#)));
    assert!(
        page.body.contains(r#"<p id="flash" role="status">"#)
            || d.get(r.location(), &session).body.contains(r#"id="flash""#)
    );
    let r = d.post(
        &format!("/disputes/{id}/withdraw"),
        &session,
        &[("csrf", &csrf)],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = d.get("/disputes", &session);
    assert!(
        section(&page.body, "disputes-withdrawn").contains(&format!(r#"<tr id="dispute-{id}">"#))
    );
    assert!(!section(&page.body, "disputes-open").contains(&format!(r#"<tr id="dispute-{id}">"#)));
    let audit = run_ok(
        d.dir.path(),
        &["reports", "audit", "--number", "0901000001"],
        None,
    );
    assert!(
        audit.contains(r#""operator_decision":"dispute_filed""#),
        "{audit}"
    );
    assert!(
        audit.contains(r#""operator_decision":"dispute_withdrawn""#),
        "{audit}"
    );
    assert_eq!(
        audit
            .matches(&format!(r#""operator":"{OPERATOR}""#))
            .count(),
        2
    );
}

/// The text of `<section id="ID">` up to its end.
fn section<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body.find(&format!(r#"<section id="{id}""#)).unwrap();
    let end = body[start..].find("</section>").unwrap();
    &body[start..start + end]
}

/// The page's `<main id=…>`, whole.
fn main_of<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body
        .find(&format!(r#"<main id="{id}""#))
        .unwrap_or_else(|| panic!("no main#{id}: {body}"));
    let end = body[start..].find("</main>").unwrap();
    &body[start..start + end]
}

#[test]
fn any_written_form_of_a_number_lands_on_its_page() {
    let d = Desk::new();
    let session = d.sign_in();
    for q in [
        "0901 000 001",
        "+84 901 000 001",
        "84901000001",
        "０９０１０００００１",
    ] {
        let path = format!(
            "/number?q={}",
            form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        );
        let r = d.get(&path, &session);
        assert_eq!(
            (r.status, r.location()),
            (303, "/number/84901000001"),
            "{q}"
        );
    }
    let r = d.get("/number?q=not+a+number", &session);
    assert_eq!(r.status, 400);
    assert!(r.body.contains(r#"<p id="search-error" role="alert">"#));
    let page = d.get(&format!("/number/{MOBILE}"), &session);
    assert_eq!(page.status, 200);
    for needle in [
        r#"<main id="number">"#,
        r#"<p id="decision">"#,
        r#"<ol id="timeline">"#,
        r#"<svg id="chart-number""#,
        r#"<ul id="contents""#,
        "mao danh cong an",
    ] {
        assert!(page.body.contains(needle), "{needle}");
    }
    // Listed by the publish, and its audit line is in the timeline.
    assert!(page.body.contains("scam"), "{}", page.body);
    assert!(
        page.body
            .contains("&quot;decision&quot;:&quot;listed&quot;")
    );
    let decision = &page.body[page.body.find(r#"<p id="decision">"#).unwrap()..];
    let decision = &decision[..decision.find("</p>").unwrap()];
    assert!(
        decision.contains("Lần xuất bản gần nhất: đưa vào danh sách"),
        "{decision}"
    );
    // The audit line as a sentence (its JSON behind a <details>).
    let timeline = &page.body[page.body.find(r#"<ol id="timeline">"#).unwrap()..];
    assert!(
        timeline.contains(": đưa vào danh sách, đáng ngờ")
            && timeline.contains("3 người, 3 phản ánh"),
        "{timeline}"
    );
    assert!(timeline.contains("<details><summary>Dòng nhật ký (JSON)</summary><pre>{"));
    // An unknown page is a 404 in the desk's frame, with its navigation.
    for path in ["/number/12x", "/no-such-page"] {
        let r = d.get(&format!("{path}?lang=en"), &session);
        assert_eq!(r.status, 404, "{path}");
        assert!(
            r.body
                .contains(r#"<p id="error" role="alert">There is no such page.</p>"#),
            "{}",
            r.body
        );
        assert!(r.body.contains(r#"<a href="/held">"#) && r.body.contains(r#"id="logout""#));
    }
    // Without a session: a bare 404, no frame, no form token replaced.
    let r = d.get("/no-such-page", "");
    assert_eq!(r.status, 404);
    assert!(!r.body.contains(r#"id="logout""#) && r.set_cookie("cg_login").is_none());
}

#[test]
fn hostile_contents_are_shown_only_as_escaped_text() {
    let d = Desk::new();
    let session = d.sign_in();
    let long = "W".repeat(10_000);
    for path in ["/held".to_string(), format!("/number/{SHOP_A}")] {
        let page = d.get(&path, &session);
        assert_eq!(page.status, 200, "{path}");
        assert_contract_headers(&page, &path);
        for raw in HOSTILE {
            assert!(!page.body.contains(raw), "{path}: {raw} unescaped");
        }
        assert!(!page.body.contains("<script"), "{path}");
        assert!(!page.body.contains("<img"), "{path}");
        assert!(!page.body.contains("href=\"javascript:"), "{path}");
        // And the text is there, escaped.
        assert!(
            page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path}"
        );
        assert!(
            page.body.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{path}"
        );
        assert!(
            page.body
                .contains("&lt;a href=&quot;javascript:alert(1)&quot;&gt;"),
            "{path}"
        );
        assert!(page.body.contains(&long), "{path}: the long word is shown");
        // No reporter's number or hash on the page.
        assert!(!page.body.contains("098100"), "{path}");
    }
    // The long word wraps: the stylesheet breaks any word in a content.
    let css = d.get("/static/desk.css", "");
    assert_eq!(css.status, 200);
    assert!(css.body.contains("overflow-wrap: anywhere"));
    assert_contract_headers(&css, "css");
}

#[test]
fn add_operator_refuses_short_passwords_and_existing_names_unless_reset() {
    let d = Desk::new();
    let out = run(
        d.dir.path(),
        &["desk", "add-operator", "minh"],
        Some("short\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("12 to 1024 characters"));
    let out = run(
        d.dir.path(),
        &["desk", "add-operator", OPERATOR],
        Some("another long password\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--reset"));
    assert_eq!(d.count("SELECT count(*) FROM operator"), 1);
    let session = d.sign_in();
    run_ok(
        d.dir.path(),
        &["desk", "add-operator", OPERATOR, "--reset"],
        Some("another long password\n"),
    );
    // The old session ended with the old password.
    assert_eq!(d.get("/", &session).status, 303);
    let stored: String = rusqlite::Connection::open(d.p("publisher.db"))
        .unwrap()
        .query_row("SELECT hash FROM operator", [], |r| r.get(0))
        .unwrap();
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    assert!(!stored.contains("another long password"));
}

const FEED_NAME: &str = "Công an tỉnh <Thử>";
const FEED_URL: &str = "https://lists.example/feed/";

#[test]
fn the_follow_page_shows_the_link_that_parses_back_to_the_feed_given() {
    let d = Desk::with(&[
        "--feed-url",
        FEED_URL,
        "--feed-name",
        FEED_NAME,
        "--feed-key-pub",
        "{dir}/keys/feed.pub",
    ]);
    let session = d.sign_in();
    let r = d.get("/follow?lang=en", &session);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_contract_headers(&r, "/follow");
    let main = main_of(&r.body, "follow");
    let code = main
        .split(r#"<code id="follow-link">"#)
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .unwrap_or_else(|| panic!("no code#follow-link: {main}"));
    // The page escapes the link as HTML text; `&amp;` is its `&`.
    let link = canhgiac_core::parse_follow_link(&code.replace("&amp;", "&")).unwrap();
    let key = std::fs::read_to_string(d.p("keys/feed.pub")).unwrap();
    assert_eq!(link.name, FEED_NAME);
    assert_eq!(link.url, FEED_URL);
    assert_eq!(link.keys, vec![key.trim().to_string()]);
    // The name's markup stays text; the key's fingerprint is shown.
    assert!(main.contains("Công an tỉnh &lt;Thử&gt;"), "{main}");
    let fingerprint = canhgiac_core::key_fingerprint(key.trim()).unwrap();
    assert!(main.contains(&fingerprint), "{fingerprint} not in {main}");
    assert!(main.contains(r#"<svg id="follow-qr" role="img""#), "{main}");
    assert!(
        main.contains("<rect") || main.contains("<path"),
        "an empty QR code"
    );
    assert!(r.body.contains(r#"href="/follow" aria-current="page""#));
}

#[test]
fn the_follow_page_takes_the_feed_folders_public_key_and_says_what_is_missing() {
    // No --feed-key-pub: the --feed-dir's feed.pub is the key.
    let d = Desk::with(&[
        "--feed-dir",
        "{dir}/keys",
        "--feed-url",
        FEED_URL,
        "--feed-name",
        "Thử",
    ]);
    let r = d.get("/follow", &d.sign_in());
    let key = std::fs::read_to_string(d.p("keys/feed.pub")).unwrap();
    assert!(r.body.contains(key.trim()), "{}", r.body);
    drop(d);
    // Started without the feed: the page names the options, no link.
    let d = Desk::new();
    let r = d.get("/follow?lang=en", &d.sign_in());
    assert_eq!(r.status, 200);
    let main = main_of(&r.body, "follow");
    assert!(!main.contains("follow-link"), "{main}");
    for option in ["--feed-url URL", "--feed-name NAME", "--feed-key-pub FILE"] {
        assert!(main.contains(option), "{option} not in {main}");
    }
}

#[test]
fn a_follow_link_phones_would_refuse_stops_the_desk_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    ok(&["feed", "keygen", "--out", &s(&dir.path().join("keys"))]);
    run_ok(dir.path(), &["reports", "init"], None);
    let key = s(&dir.path().join("keys/feed.pub"));
    for (url, name, key, why) in [
        ("http://lists.example/feed/", "Thử", key.as_str(), "https"),
        (FEED_URL, "Thử", "not-a-key", "key"),
        (FEED_URL, &"x".repeat(41), key.as_str(), "name"),
    ] {
        let out = refused_start(
            dir.path(),
            &[
                "desk",
                "--listen",
                "127.0.0.1:0",
                "--feed-url",
                url,
                "--feed-name",
                name,
                "--feed-key-pub",
                key,
            ],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{url} {name} {key}: {err}");
        assert!(err.contains(why), "{why} not in {err}");
        assert!(!String::from_utf8_lossy(&out.stdout).contains("listening"));
    }
}

/// A link pinning a key that does not sign the folder's feed would have
/// phones refuse every update: the desk does not start; with the feed's
/// own key it does, and shows the link.
#[test]
fn a_follow_link_whose_key_does_not_sign_the_folders_feed_stops_the_desk() {
    let dir = tempfile::tempdir().unwrap();
    let p = |rel: &str| s(&dir.path().join(rel));
    ok(&["feed", "keygen", "--out", &p("keys")]);
    ok(&["feed", "keygen", "--out", &p("other")]);
    std::fs::write(
        dir.path().join("list.csv"),
        "number,category,reports,last_reported,label\n0901000001,scam,5,2026-11-20,\n",
    )
    .unwrap();
    ok(&[
        "feed",
        "build",
        "--input",
        &p("list.csv"),
        "--key",
        &p("keys/feed.key"),
        "--out",
        &p("feed"),
    ]);
    run_ok(dir.path(), &["reports", "init"], None);
    let out = refused_start(
        dir.path(),
        &[
            "desk",
            "--listen",
            "127.0.0.1:0",
            "--feed-dir",
            &p("feed"),
            "--feed-url",
            FEED_URL,
            "--feed-name",
            "Thử",
            "--feed-key-pub",
            &p("other/feed.pub"),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("does not verify under the follow link's keys"),
        "{err}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("listening"));

    // The fixture's own folder, published with its own key: it starts.
    let d = Desk::with(&[
        "--feed-dir",
        "{dir}/feed",
        "--feed-url",
        FEED_URL,
        "--feed-name",
        "Thử",
        "--feed-key-pub",
        "{dir}/keys/feed.pub",
    ]);
    let r = d.get("/follow", &d.sign_in());
    assert!(r.body.contains(r#"<code id="follow-link">"#), "{}", r.body);
}

#[test]
fn five_wrong_passwords_make_the_name_wait_even_for_the_right_one() {
    let d = Desk::new();
    let login = d.get("/login", "");
    let token = login.cookie("cg_login").unwrap();
    let jar = format!("cg_login={token}");
    let try_as = |name: &str, password: &str| {
        d.post(
            "/login",
            &jar,
            &[("csrf", &token), ("name", name), ("password", password)],
        )
    };
    for i in 0..5 {
        assert_eq!(try_as(OPERATOR, "not the password").status, 401, "try {i}");
    }
    // The sixth, right or wrong, waits: 429, a Retry-After within the
    // 15-minute window, the reason in words, and no session.
    let r = try_as(OPERATOR, PASSWORD);
    assert_eq!(r.status, 429);
    let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    assert!(r.body.contains(r#"<p id="login-error" role="alert">"#));
    assert!(r.set_cookie("cg_session").is_none());
    assert_eq!(d.count("SELECT count(*) FROM session"), 0);
    // Another name is not held back by it.
    assert_eq!(try_as("nobody", PASSWORD).status, 401);
}
