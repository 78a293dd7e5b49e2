//! Where the cache lives: `--data-dir`, else `ELEMENTS_DATA_DIR`, else the platform's app-data
//! folder (the same one Tauri uses for this app's identifier).

use std::path::{Path, PathBuf};

/// The app's identifier, as in `tauri.conf.json`.
pub const APP_IDENTIFIER: &str = "dev.elements.app";
pub const DATA_DIR_ENV: &str = "ELEMENTS_DATA_DIR";
pub const CACHE_FILE_NAME: &str = "cache.sqlite3";

pub fn data_dir(flag: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(dir) = flag {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir().map(|d| d.join(APP_IDENTIFIER)).ok_or_else(|| {
        format!("could not find this platform's app-data folder; pass --data-dir DIR or set {DATA_DIR_ENV}")
    })
}

pub fn cache_file(data_dir: &Path) -> PathBuf {
    data_dir.join(CACHE_FILE_NAME)
}
