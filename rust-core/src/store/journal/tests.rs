use super::*;

fn rep(category: Category, reports: u32, day: Option<i32>, label: Option<&str>) -> Reported {
    Reported {
        category,
        reports,
        last_reported: day,
        label: label.map(str::to_string),
        reporters: None,
        source: None,
    }
}

fn records(bytes: &[u8]) -> Vec<Record> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db.imports");
    let mut file = header(7).to_vec();
    file.extend_from_slice(bytes);
    std::fs::write(&path, file).unwrap();
    let mut out = Vec::new();
    assert_eq!(
        replay(&path, 0, |r| {
            out.push(r);
            Ok(())
        })
        .unwrap(),
        End::Whole
    );
    out
}

#[test]
fn a_batch_round_trips_with_labels_days_prefixes_and_the_last_of_twins() {
    let mut rows = vec![
        (
            Target::Number(84_900_000_002),
            rep(Category::Scam, 1, None, None),
        ),
        (
            Target::Prefix("8424399".into()),
            rep(Category::Suspicious, 5, Some(19_000), Some("wangiri")),
        ),
        (
            Target::Number(84_900_000_001),
            rep(Category::Nuisance, 70_000, Some(10_000), Some("của tôi")),
        ),
        (
            Target::Number(84_900_000_002),
            rep(Category::Verified, 2, Some(20_500), Some("của tôi")),
        ),
    ];
    sort_batch(&mut rows);
    assert_eq!(rows.len(), 3);
    let mut bytes = Vec::new();
    encode_puts(&rows, &mut bytes);
    encode_clear(&mut bytes);
    assert_eq!(records(&bytes), vec![Record::Puts(rows), Record::Clear]);
}

#[test]
fn a_million_numbers_take_at_most_eight_bytes_each() {
    // Synthetic numbers 0901000001…, a million of them, as a shared list.
    let rows: Vec<_> = (0..1_000_000i64)
        .map(|i| {
            (
                Target::Number(84_901_000_001 + i * 3),
                rep(
                    Category::Scam,
                    1 + (i % 4) as u32,
                    Some(20_000 + (i % 300) as i32),
                    None,
                ),
            )
        })
        .collect();
    let mut bytes = Vec::new();
    encode_puts(&rows, &mut bytes);
    let per_number = bytes.len() as f64 / rows.len() as f64;
    assert!(per_number <= 8.0, "{per_number} bytes a number");
    let back: usize = records(&bytes)
        .into_iter()
        .map(|r| match r {
            Record::Puts(rows) => rows.len(),
            Record::Clear => 0,
        })
        .sum();
    assert_eq!(back, 1_000_000);
}

fn journal_with(
    dir: &tempfile::TempDir,
    batches: &[Vec<(Target, Reported)>],
) -> (PathBuf, Vec<u64>) {
    let path = dir.path().join("cg.db.imports");
    let mut f = Fresh::create(&path).unwrap();
    f.put(&[]).unwrap();
    let head = f.finish().unwrap();
    let mut ends = vec![head.len];
    for b in batches {
        let mut bytes = Vec::new();
        encode_puts(b, &mut bytes);
        ends.push(append(&path, *ends.last().unwrap(), &bytes).unwrap());
    }
    (path, ends)
}

fn one(n: i64) -> Vec<(Target, Reported)> {
    vec![(Target::Number(n), rep(Category::Scam, 1, None, None))]
}

fn count(path: &Path, from: u64) -> (usize, End) {
    let mut n = 0;
    let end = replay(path, from, |r| {
        if let Record::Puts(rows) = r {
            n += rows.len();
        }
        Ok(())
    })
    .unwrap();
    (n, end)
}

#[test]
fn a_torn_tail_is_found_at_the_last_whole_record() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ends) = journal_with(&dir, &[one(84_901_000_001), one(84_901_000_002)]);
    // A crash halfway through the second append.
    let cut = ends[1] + (ends[2] - ends[1]) / 2;
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(cut)
        .unwrap();
    assert_eq!(count(&path, 0), (1, End::Torn { at: ends[1] }));
    // Zeros where the last record should be (the disk never got it).
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.truncate(ends[1] as usize);
    bytes.extend_from_slice(&[0u8; 40]);
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(count(&path, 0), (1, End::Torn { at: ends[1] }));
}

#[test]
fn a_damaged_record_before_the_end_is_caught_by_its_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ends) = journal_with(
        &dir,
        &[
            one(84_901_000_001),
            one(84_901_000_002),
            one(84_901_000_003),
        ],
    );
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[ends[1] as usize + 9] ^= 0x40;
    std::fs::write(&path, &bytes).unwrap();
    let (n, end) = count(&path, 0);
    assert_eq!(n, 1);
    assert!(
        matches!(end, End::Damaged { at, .. } if at == ends[1]),
        "{end:?}"
    );
}

#[test]
fn hostile_lengths_and_counts_are_refused_without_allocating() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ends) = journal_with(&dir, &[one(84_901_000_001)]);
    // A record claiming 4 GiB, with more bytes after it than a torn tail.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(&u32::MAX.to_le_bytes());
    bytes.extend_from_slice(&[0u8; 100]);
    std::fs::write(&path, &bytes).unwrap();
    assert!(matches!(count(&path, 0), (1, End::Damaged { at, .. }) if at == ends[1]));
    // Payloads that lie about their counts: each a clear error, no panic.
    let mut lying = vec![PUTS];
    put_varint(&mut lying, u64::MAX);
    assert!(decode(&lying).is_err());
    let mut lying = vec![PUTS, 0];
    put_varint(&mut lying, 1_000_000_000);
    assert!(decode(&lying).is_err());
    let mut label = vec![PUTS, 1];
    put_varint(&mut label, 1 << 40);
    assert!(decode(&label).is_err());
    for bad in [
        &[][..],
        &[9],
        &[CLEAR, 0],
        &[PUTS, 0, 1, 5, 0xE0],
        &[PUTS, 0, 2, 5, 0, 0, 0, 0],
    ] {
        assert!(decode(bad).is_err(), "{bad:?}");
    }
    // Every prefix of a good payload fails cleanly.
    let mut good = Vec::new();
    encode_puts(&one(84_901_000_001), &mut good);
    for n in 8..good.len() {
        assert!(decode(&good[8..n]).is_err());
    }
}

#[test]
fn a_file_that_is_not_a_journal_is_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x");
    assert_eq!(read_head(&path).unwrap(), Ok(None));
    std::fs::write(&path, b"number,category\n0901000001,scam\n").unwrap();
    assert!(read_head(&path).unwrap().is_err());
    let mut h = header(3).to_vec();
    h[4] = 9;
    std::fs::write(&path, &h).unwrap();
    assert!(read_head(&path).unwrap().unwrap_err().contains("version 9"));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn row() -> impl Strategy<Value = (Target, Reported)> {
        (
            prop_oneof![
                4 => (1i64..=999_999_999_999_999).prop_map(Target::Number),
                1 => "[0-9]{1,15}".prop_map(Target::Prefix),
            ],
            prop_oneof![
                Just(Category::Scam),
                Just(Category::Nuisance),
                Just(Category::Verified),
                Just(Category::Suspicious),
            ],
            1u32..=u32::MAX,
            proptest::option::of(-20_000i32..=40_000),
            proptest::option::of(prop_oneof![
                Just("mạo danh công an".to_string()),
                "[a-zà-ỹ ]{1,60}",
            ]),
        )
            .prop_map(|(t, category, reports, day, label)| {
                (t, rep(category, reports, day, label.as_deref()))
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Whatever a batch holds, replay gives it back, sorted, the last
        /// of twins kept; and any byte flipped is caught, never a panic.
        #[test]
        fn a_batch_replays_as_written(mut rows in proptest::collection::vec(row(), 0..300), flip in any::<prop::sample::Index>()) {
            sort_batch(&mut rows);
            let mut bytes = Vec::new();
            encode_puts(&rows, &mut bytes);
            let back: Vec<_> = records(&bytes)
                .into_iter()
                .flat_map(|r| match r {
                    Record::Puts(rows) => rows,
                    Record::Clear => Vec::new(),
                })
                .collect();
            prop_assert_eq!(&back, &rows);
            // One flipped bit in the payload: its CRC says so.
            if bytes.len() > 8 {
                let at = 8 + flip.index(bytes.len() - 8);
                bytes[at] ^= 1;
                prop_assert!(crc32fast::hash(&bytes[8..]) != u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]));
                let _ = decode(&bytes[8..]);
            }
        }
    }
}
