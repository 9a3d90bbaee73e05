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
    init_or_upgrade(&mut old).unwrap();

    let mut fresh = user_file(&[]);
    init_or_upgrade(&mut fresh).unwrap();

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
         INSERT INTO main.feed_state VALUES (1, 41, 'k', 'https://x/ abc\n\"etag\"', 5);",
    )
    .unwrap();
    init_or_upgrade(&mut old).unwrap();
    let mut fresh = user_file(&[]);
    init_or_upgrade(&mut fresh).unwrap();
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
         INSERT INTO main.feed_state VALUES (1, 41, 'k', '\"e\"', 5, 'https://x/feed/ aa,bb', 7);",
    )
    .unwrap();
    init_or_upgrade(&mut old).unwrap();
    let mut fresh = user_file(&[]);
    init_or_upgrade(&mut fresh).unwrap();
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
         INSERT INTO user_list VALUES ('+84987654321', 2, '0987654321', 0);",
    )
    .unwrap();
    init_or_upgrade(&mut old).unwrap();
    let mut fresh = user_file(&[]);
    init_or_upgrade(&mut fresh).unwrap();
    assert_eq!(shape(&old), shape(&fresh));
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
}

#[test]
fn newer_schema_is_a_clear_error() {
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("PRAGMA user_version = 99").unwrap();
    let err = init_or_upgrade(&mut conn).unwrap_err();
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
    assert!(init_or_upgrade(&mut conn).is_err());
    let n: u32 = conn
        .query_row("SELECT count(*) FROM notes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn init_is_idempotent() {
    let mut conn = user_file(&[]);
    init_or_upgrade(&mut conn).unwrap();
    init_or_upgrade(&mut conn).unwrap();
    let mut list = Connection::open_in_memory().unwrap();
    init_list(&mut list).unwrap();
    init_list(&mut list).unwrap();
}
