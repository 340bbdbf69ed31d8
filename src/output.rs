//! TEMP stub
use std::path::{Path, PathBuf};
pub(crate) struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}
#[derive(Debug, Default, Clone)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    pub static_copied: usize,
}
pub(crate) fn write_site(
    out_dir: &Path,
    files: &[OutputFile],
    _s: &[PathBuf],
) -> anyhow::Result<WriteStats> {
    for f in files {
        let p = out_dir.join(&f.path);
        std::fs::create_dir_all(p.parent().unwrap())?;
        std::fs::write(p, &f.bytes)?;
    }
    Ok(WriteStats { written: files.len(), ..Default::default() })
}
