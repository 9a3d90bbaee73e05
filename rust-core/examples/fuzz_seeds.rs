//! Writes the fuzz targets' seed inputs (made by the core's own encoders)
//! into `<DIR>/<target>/`, named by content so that reruns add nothing.
//! `./build.sh fuzz` runs it before fuzzing.

fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "rust-core/fuzz/corpus".into());
    for (target, bytes) in canhgiac_core::fuzzing::seeds() {
        let folder = std::path::Path::new(&dir).join(target);
        std::fs::create_dir_all(&folder)?;
        let name = format!("seed-{:016x}", fnv(&bytes));
        std::fs::write(folder.join(name), bytes)?;
    }
    Ok(())
}

/// A stable name for a seed (FNV-1a).
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
