//! What the end-to-end tests share: running the CLI, its servers spoken
//! to over HTTP (`http`), and nginx serving a folder on loopback.
#![allow(dead_code)]

pub mod http;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_canhgiac"))
        .args(args)
        .env_remove("CANHGIAC_DB")
        .output()
        .unwrap()
}

pub fn ok(args: &[&str]) -> String {
    succeeded(args, cli(args))
}

/// What the run of `args` printed, asserting it succeeded.
pub fn succeeded(args: &[&str], out: Output) -> String {
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// One JSON document the CLI printed (`--json`).
pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// A path as a CLI argument.
pub fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

/// A test's folder with nginx serving its `www/` (nginx's own files in
/// `nginx/`). Each test file adds its own verbs to it (and to `UserDir`)
/// in an `impl` of its own.
pub struct Site {
    pub dir: tempfile::TempDir,
    pub nginx: Nginx,
}

impl Site {
    /// The folder, served, with a feed key pair made in each of `key_dirs`.
    pub fn served(key_dirs: &[&str]) -> Site {
        let dir = tempfile::tempdir().unwrap();
        for d in ["www", "nginx"].iter().chain(key_dirs) {
            std::fs::create_dir_all(dir.path().join(d)).unwrap();
        }
        for d in key_dirs {
            ok(&["feed", "keygen", "--out", &s(&dir.path().join(d))]);
        }
        let nginx = Nginx::start(&dir.path().join("www"), &dir.path().join("nginx"));
        Site { dir, nginx }
    }

    pub fn p(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn s(&self, rel: &str) -> String {
        s(&self.p(rel))
    }

    /// `sync URL --key keys/feed.pub [extra]` on the phone database `db`.
    pub fn sync_from(&self, db: &str, url: &str, extra: &[&str]) -> Output {
        let (db, key) = (self.s(db), self.s("keys/feed.pub"));
        cli(&[&["--db", &db, "sync", url, "--key", &key], extra].concat())
    }
}

/// The headers a feed folder is served with (README, *Serving the feed*):
/// the manifest revalidated at every sync (ETag, which nginx sends for
/// static files, weak once gzipped) and gzipped (it is most of a phone's
/// daily bytes), the data files cached for a year (their names never
/// change content), and the publisher's own dot files not served.
pub const FEED_HEADERS: &str = r#"
  types { application/json json; application/octet-stream bin; }
  gzip on; gzip_comp_level 6; gzip_types application/json; gzip_vary on;
  location ~ /manifest\.json$ { add_header Cache-Control "no-cache" always; }
  location ~ \.bin$ { add_header Cache-Control "public, max-age=31536000, immutable" always; }
  location ~ /\. { deny all; }
"#;

/// nginx on a free loopback port, serving `root`; stopped on drop.
pub struct Nginx {
    child: Child,
    pub port: u16,
    tls: bool,
}

impl Nginx {
    pub fn start(root: &Path, work: &Path) -> Nginx {
        Nginx::launch(root, work, None)
    }

    /// As `start`, serving https with `chain` (leaf first) and its `key`;
    /// `url` then gives an https address.
    pub fn start_tls(root: &Path, work: &Path, chain: &Path, key: &Path) -> Nginx {
        Nginx::launch(root, work, Some((chain, key)))
    }

    fn launch(root: &Path, work: &Path, tls: Option<(&Path, &Path)>) -> Nginx {
        let bin = ["/usr/sbin/nginx", "/usr/bin/nginx"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .expect(
                "nginx is needed for these tests (./build.sh test installs Debian's nginx-light)",
            );
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let conf = work.join("nginx.conf");
        std::fs::write(
            &conf,
            format!(
                "daemon off; master_process off; pid {w}/nginx.pid; error_log {w}/error.log;
                 events {{ worker_connections 64; }}
                 http {{
                   access_log {w}/access.log;
                   client_body_temp_path {w}; proxy_temp_path {w}; fastcgi_temp_path {w};
                   uwsgi_temp_path {w}; scgi_temp_path {w};
                   server {{
                     listen 127.0.0.1:{port}{ssl};
                     root {root};
                     location ^~ /broken/ {{ return 500; }}
                     location ^~ /gzipped/ {{ gzip off; add_header Content-Encoding gzip always; }}
                     {FEED_HEADERS}
                   }}
                 }}",
                w = work.display(),
                root = root.display(),
                FEED_HEADERS = FEED_HEADERS,
                ssl = match tls {
                    Some((chain, key)) => format!(
                        " ssl; ssl_protocols TLSv1.2 TLSv1.3; ssl_certificate {}; ssl_certificate_key {}",
                        chain.display(),
                        key.display()
                    ),
                    None => String::new(),
                },
            ),
        )
        .unwrap();
        let child = Command::new(bin)
            .args(["-c", conf.to_str().unwrap(), "-p", work.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "nginx did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Nginx {
            child,
            port,
            tls: tls.is_some(),
        }
    }

    pub fn url(&self, folder: &str) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://127.0.0.1:{}/{folder}/", self.port)
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A user's folder, the CLI run on its database `cg.db`.
pub struct UserDir {
    pub dir: tempfile::TempDir,
}

impl UserDir {
    pub fn new() -> UserDir {
        UserDir {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn s(&self, name: &str) -> String {
        s(&self.path(name))
    }

    pub fn db(&self) -> PathBuf {
        self.path("cg.db")
    }

    pub fn run_with_db(&self, db: &Path, args: &[&str]) -> Output {
        cli(&[&["--db", &s(db)], args].concat())
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_db(&self.db(), args)
    }

    pub fn ok(&self, args: &[&str]) -> String {
        succeeded(args, self.run(args))
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        json(&self.ok(args))
    }
}

/// The civil date `days` after 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Today in Vietnam (UTC+7), as days since 1970-01-01.
pub fn today() -> i64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    (now + 7 * 3600).div_euclid(86_400)
}

/// `YYYY-MM-DD` of `days_ago` days before today.
pub fn day(days_ago: i64) -> String {
    let (y, m, d) = civil(today() - days_ago);
    format!("{y:04}-{m:02}-{d:02}")
}
