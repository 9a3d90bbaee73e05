use super::*;

/// Schema 1 as it shipped. Never edit: it is what old phones hold.
const V1: &str = "
    CREATE TABLE reported (
        number        INTEGER PRIMARY KEY,
        category      INTEGER NOT NULL,
        reports       INTEGER NOT NULL,
        last_reported INTEGER,
        label_id      INTEGER REFERENCES label(id),
        source        INTEGER NOT NULL
    );
    CREATE TABLE label (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
    CREATE TABLE reported_prefix (
        prefix        TEXT PRIMARY KEY,
        category      INTEGER NOT NULL,
        reports       INTEGER NOT NULL,
        last_reported INTEGER,
        label_id      INTEGER REFERENCES label(id),
        source        INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE user_list (
        key      TEXT PRIMARY KEY,
        list     INTEGER NOT NULL CHECK (list IN (1, 2)),
        number   TEXT NOT NULL,
        added_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE call_history (
        id       INTEGER PRIMARY KEY,
        at       INTEGER NOT NULL,
        number   TEXT,
        e164     TEXT,
        level    TEXT NOT NULL,
        action   TEXT NOT NULL,
        reasons  TEXT NOT NULL
    );
    PRAGMA user_version = 1;
";

/// Schema 2 as it shipped (schema 1 plus these). Never edit.
const V2_ADDED: &str = "
    CREATE TABLE report_outbox (
        id       INTEGER PRIMARY KEY,
        at       INTEGER NOT NULL,
        to_addr  TEXT NOT NULL,
        body     TEXT NOT NULL,
        number   TEXT NOT NULL,
        keyword  TEXT NOT NULL
    );
    CREATE TABLE feed_state (
        id        INTEGER PRIMARY KEY CHECK (id = 1),
        version   INTEGER NOT NULL,
        key_id    TEXT,
        etag      TEXT,
        synced_at INTEGER
    );
    CREATE TABLE config (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
";

/// Schema 3 as it shipped (schema 2 plus these). Never edit.
const V3_ADDED: &str = "
    ALTER TABLE feed_state ADD COLUMN scope TEXT;
    ALTER TABLE feed_state ADD COLUMN published_at INTEGER;
";

/// Schema 4 as it shipped (schema 3 plus these). Never edit.
const V4_ADDED: &str = "
    ALTER TABLE feed_state ADD COLUMN etag_url TEXT;
    ALTER TABLE feed_state ADD COLUMN expires_at INTEGER;
";

/// Every upgrade step, without the journal (these files have no path;
/// `store::tests` upgrades a real file with its imports).
fn upgrade(conn: &mut Connection) -> Result<u32> {
    init_or_upgrade(conn, |_| Ok(()))
}

/// A user's file in memory with a list file attached, as `Store::open`
/// prepares them.
fn user_file(old_schema: &[&str]) -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    for sql in old_schema {
        conn.execute_batch(sql).unwrap();
    }
    conn.execute_batch("ATTACH DATABASE ':memory:' AS list")
        .unwrap();
    conn.execute_batch(&CREATE_LIST_SCHEMA.replace("CREATE TABLE ", "CREATE TABLE list."))
        .unwrap();
    conn
}

/// Tables and columns of both files, normalised so that whitespace
/// does not matter.
fn shape(conn: &Connection) -> Vec<(String, Vec<String>)> {
    let mut tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM main.sqlite_master WHERE type = 'table'
             UNION ALL SELECT 'list.' || name FROM list.sqlite_master WHERE type = 'table'",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables.sort();
    tables
        .into_iter()
        .map(|t| {
            let (schema, table) = t.split_once('.').unwrap_or(("main", t.as_str()));
            let cols = conn
                .prepare(&format!(
                    "SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}', '{schema}')"
                ))
                .unwrap()
                .query_map([], |r| {
                    Ok(format!(
                        "{} {} nn={} pk={}",
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?
                    ))
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            (t, cols)
        })
        .collect()
}

#[test]
fn upgrade_from_v1_matches_a_fresh_database_and_keeps_data() {
    let mut old = user_file(&[V1]);
    old.execute_batch(
        "INSERT INTO main.reported VALUES (84912345678, 1, 37, 19782, NULL, 1);
         INSERT INTO user_list VALUES ('+84987654321', 1, '0987654321', 0);",
    )
    .unwrap();
    upgrade(&mut old).unwrap();

    let mut fresh = user_file(&[]);
    upgrade(&mut fresh).unwrap();

    assert_eq!(shape(&old), shape(&fresh));
    let v: u32 = old
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, VERSION);
    let reports: u32 = old
        .query_row(
            "SELECT reports FROM reported WHERE number = 84912345678",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reports, 37);
    let allowed: u32 = old
        .query_row("SELECT count(*) FROM user_list", [], |r| r.get(0))
        .unwrap();
    assert_eq!(allowed, 1);
}

#[test]
fn upgrade_from_v2_adds_the_feed_scope_and_keeps_the_version() {
    let mut old = user_file(&[V1, V2_ADDED]);
    old.execute_batch(
        "PRAGMA user_version = 2;
         INSERT INTO main.feed_state VALUES (1, 41, 'k', 'https://x/ abc\n\"etag\"', 5);
         INSERT INTO config VALUES ('feed.url', 'https://x/'), ('feed.keys', 'abc');",
    )
    .unwrap();
    upgrade(&mut old).unwrap();
    let mut fresh = user_file(&[]);
    upgrade(&mut fresh).unwrap();
    assert_eq!(shape(&old), shape(&fresh));
    let (version, etag, scope): (i64, Option<String>, Option<String>) = old
        .query_row("SELECT version, etag, scope FROM feed_state", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!((version, etag, scope), (41, None, None));
}

#[test]
fn upgrade_from_v3_scopes_the_version_to_the_keys_and_keeps_the_etag_address() {
    let mut old = user_file(&[V1, V2_ADDED, V3_ADDED]);
    old.execute_batch(
        "PRAGMA user_version = 3;
         INSERT INTO main.feed_state VALUES (1, 41, 'k', '\"e\"', 5, 'https://x/feed/ aa,bb', 7);
         INSERT INTO config VALUES ('feed.url', 'https://x/feed/'), ('feed.keys', 'aa,bb');",
    )
    .unwrap();
    upgrade(&mut old).unwrap();
    let mut fresh = user_file(&[]);
    upgrade(&mut fresh).unwrap();
    assert_eq!(shape(&old), shape(&fresh));
    let row: (i64, String, String, String, i64) = old
        .query_row(
            "SELECT version, etag, scope, etag_url, published_at FROM feed_state",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        (
            41,
            "\"e\"".into(),
            "aa,bb".into(),
            "https://x/feed/".into(),
            7
        )
    );
}

#[test]
fn upgrade_from_v4_moves_the_list_out_and_keeps_the_users_imports() {
    // Finding 9: the replaceable list and the user's own data shared
    // one file. Feed entries, imports and the feed state of a v4 file.
    let mut old = user_file(&[V1, V2_ADDED, V3_ADDED, V4_ADDED]);
    old.execute_batch(
        "PRAGMA user_version = 4;
         INSERT INTO main.label VALUES (1, 'mạo danh công an'), (2, 'của tôi');
         INSERT INTO main.reported VALUES (84912345678, 1, 37, 19782, 1, 0);
         INSERT INTO main.reported VALUES (84900000005, 2, 1, NULL, 2, 1);
         INSERT INTO main.reported_prefix VALUES ('8424399', 1, 5, NULL, NULL, 1);
         INSERT INTO main.feed_state VALUES (1, 41, 'k', 'e', 5, 'aa', 7, 'https://x/', 9);
         INSERT INTO config VALUES ('feed.url', 'https://x/'), ('feed.keys', 'aa');
         INSERT INTO user_list VALUES ('+84987654321', 2, '0987654321', 0);",
    )
    .unwrap();
    init_or_upgrade_to(&mut old, 6);
    let q = |sql: &str| -> i64 { old.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(q("SELECT count(*) FROM list.reported"), 2);
    assert_eq!(q("SELECT count(*) FROM list.reported_prefix"), 1);
    assert_eq!(q("SELECT version FROM list.feed_state"), 41);
    assert_eq!(q("SELECT count(*) FROM main.user_list"), 1);
    // The user's imports, with their labels, kept in the user's file.
    let imported: Vec<(String, Option<String>)> = old
        .prepare("SELECT target, label FROM main.imported ORDER BY target")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        imported,
        vec![
            ("84243 99*".replace(' ', ""), None),
            ("84900000005".into(), Some("của tôi".into()))
        ]
    );
    // Version 7 moves them into their journal (the hook) and drops the table.
    let mut kept = 0;
    upgrade_with(&mut old, |tx| {
        kept = tx.query_row("SELECT count(*) FROM main.imported", [], |r| r.get(0))?;
        Ok(())
    });
    assert_eq!(kept, 2);
    let mut fresh = user_file(&[]);
    upgrade(&mut fresh).unwrap();
    assert_eq!(shape(&old), shape(&fresh));
}

fn upgrade_with(conn: &mut Connection, keep: impl FnOnce(&Connection) -> Result<()>) {
    assert_eq!(init_or_upgrade(conn, keep).unwrap(), 6);
}

/// Schema 5 as it shipped: the user's file (what v6 changes is in
/// `config`; the tables are those of v4 and the step to v5).
fn v5_user_file() -> Connection {
    let mut conn = user_file(&[V1, V2_ADDED, V3_ADDED, V4_ADDED]);
    conn.execute_batch("PRAGMA user_version = 4;").unwrap();
    init_or_upgrade_to(&mut conn, 5);
    conn
}

/// Runs the upgrade steps up to `version` only.
fn init_or_upgrade_to(conn: &mut Connection, version: u32) {
    let tx = conn.transaction().unwrap();
    let found: u32 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    for v in found..version {
        upgrade_from(&tx, v).unwrap();
    }
    tx.pragma_update(None, "user_version", version).unwrap();
    tx.commit().unwrap();
}

#[test]
fn upgrade_from_v5_moves_the_one_feed_into_the_feed_named_default() {
    let mut old = v5_user_file();
    old.execute_batch(
        "INSERT INTO config VALUES ('feed.url', 'https://lists.example.org/'),
                                   ('feed.keys', 'aa,bb'), ('feed.verify_orgs', '1'),
                                   ('feed.timeout_secs', '30');
         INSERT INTO list.reported (entry, category, reports) VALUES (1358597530849, 1, 3);
         INSERT INTO list.reported (entry, category, reports) VALUES (1358597530848, 2, 1);
         INSERT INTO list.feed_state (feed, version) VALUES (1, 41);",
    )
    .unwrap();
    upgrade(&mut old).unwrap();
    let mut fresh = user_file(&[]);
    upgrade(&mut fresh).unwrap();
    assert_eq!(shape(&old), shape(&fresh));
    let feed: (i64, String, String, String, bool) = old
        .query_row(
            "SELECT id, name, url, keys, verify_orgs FROM feed",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        feed,
        (
            1,
            "default".into(),
            "https://lists.example.org/".into(),
            "aa,bb".into(),
            true
        )
    );
    let q = |sql: &str| -> i64 { old.query_row(sql, [], |r| r.get(0)).unwrap() };
    // The feed's settings left `config`; the sync limits stayed.
    assert_eq!(
        q("SELECT count(*) FROM config WHERE key LIKE 'feed.%'"),
        1,
        "only feed.timeout_secs"
    );
    // Its entries, the user's import and its state are where they were.
    assert_eq!(q("SELECT count(*) FROM list.reported"), 2);
    assert_eq!(q("SELECT version FROM list.feed_state WHERE feed = 1"), 41);

    // A list whose feed had been forgotten (no address) is nobody's: its
    // entries and state go; the user's imports stay.
    let mut forgotten = v5_user_file();
    forgotten
        .execute_batch(
            "INSERT INTO list.reported (entry, category, reports) VALUES (1358597530849, 1, 3);
             INSERT INTO list.reported (entry, category, reports) VALUES (1358400000080, 2, 1);
             INSERT INTO list.feed_state (feed, version) VALUES (1, 41);",
        )
        .unwrap();
    upgrade(&mut forgotten).unwrap();
    let q = |sql: &str| -> i64 { forgotten.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(q("SELECT count(*) FROM feed"), 0);
    assert_eq!(q("SELECT count(*) FROM list.reported WHERE feed = 0"), 1);
    assert_eq!(q("SELECT count(*) FROM list.reported WHERE feed <> 0"), 0);
    assert_eq!(q("SELECT count(*) FROM list.feed_state"), 0);
}

/// The list file of version 2 as it shipped. Never edit.
const LIST_V2: &str = "
    CREATE TABLE reported (
        number        INTEGER PRIMARY KEY,
        category      INTEGER NOT NULL,
        reports       INTEGER NOT NULL,
        last_reported INTEGER,
        label_id      INTEGER REFERENCES label(id),
        source        INTEGER NOT NULL,
        reporters     INTEGER,
        official_id   INTEGER REFERENCES official(id)
    );
    CREATE TABLE label (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
    CREATE TABLE official (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL, url TEXT NOT NULL, UNIQUE (name, url)
    );
    CREATE TABLE reported_prefix (
        prefix        TEXT PRIMARY KEY,
        category      INTEGER NOT NULL,
        reports       INTEGER NOT NULL,
        last_reported INTEGER,
        label_id      INTEGER REFERENCES label(id),
        source        INTEGER NOT NULL,
        reporters     INTEGER,
        official_id   INTEGER REFERENCES official(id)
    ) WITHOUT ROWID;
    CREATE TABLE feed_state (
        id           INTEGER PRIMARY KEY CHECK (id = 1),
        version      INTEGER NOT NULL,
        key_id       TEXT,
        etag         TEXT,
        synced_at    INTEGER,
        scope        TEXT,
        published_at INTEGER,
        etag_url     TEXT,
        expires_at   INTEGER
    );
    PRAGMA user_version = 2;
";

#[test]
fn a_list_file_of_version_2_is_upgraded_in_place_keeping_entries_and_state() {
    let mut old = Connection::open_in_memory().unwrap();
    old.execute_batch(LIST_V2).unwrap();
    old.pragma_update(None, "application_id", LIST_APPLICATION_ID)
        .unwrap();
    old.execute_batch(
        "INSERT INTO label VALUES (1, 'mạo danh công an');
         INSERT INTO official VALUES (1, 'Công an tỉnh X', '');
         INSERT INTO reported VALUES (84912345678, 1, 37, 19782, 1, 0, 12, 1);
         INSERT INTO reported VALUES (84900000005, 2, 1, NULL, NULL, 1, NULL, NULL);
         INSERT INTO reported_prefix VALUES ('8424399', 1, 5, NULL, NULL, 0, NULL, NULL);
         INSERT INTO feed_state VALUES (1, 41, 'k', 'e', 5, 'aa', 7, 'https://x/', 9);",
    )
    .unwrap();
    init_list(&mut old).unwrap();
    let mut fresh = Connection::open_in_memory().unwrap();
    init_list(&mut fresh).unwrap();
    let columns = |c: &Connection| -> Vec<String> {
        c.prepare(
            "SELECT m.name || '.' || p.name || ' ' || p.type || ' ' || p.pk
             FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'
             ORDER BY m.name, p.cid",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    };
    assert_eq!(columns(&old), columns(&fresh));
    type Row = (i64, i64, i64, Option<i64>, Option<i64>);
    let rows: Vec<Row> = old
        .prepare(
            "SELECT number, feed, reports, reporters, official_id FROM reported ORDER BY number",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // The feed's entry is feed 1's now, the user's import list 0's.
    assert_eq!(
        rows,
        vec![
            (84900000005, 0, 1, None, None),
            (84912345678, 1, 37, Some(12), Some(1))
        ]
    );
    let q = |sql: &str| -> i64 { old.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(q("SELECT feed FROM reported_prefix"), 1);
    assert_eq!(q("SELECT version FROM feed_state WHERE feed = 1"), 41);
    assert_eq!(q("PRAGMA user_version"), i64::from(LIST_VERSION));
}

#[test]
fn newer_schema_is_a_clear_error() {
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("PRAGMA user_version = 99").unwrap();
    let err = upgrade(&mut conn).unwrap_err();
    assert!(matches!(
        err,
        Error::SchemaTooNew {
            found: 99,
            supported: VERSION
        }
    ));
    assert!(err.to_string().contains("newer version"));
}

#[test]
fn another_programs_database_is_refused_untouched() {
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('mine');")
        .unwrap();
    assert!(upgrade(&mut conn).is_err());
    let n: u32 = conn
        .query_row("SELECT count(*) FROM notes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn init_is_idempotent() {
    let mut conn = user_file(&[]);
    upgrade(&mut conn).unwrap();
    upgrade(&mut conn).unwrap();
    let mut list = Connection::open_in_memory().unwrap();
    init_list(&mut list).unwrap();
    init_list(&mut list).unwrap();
}
