//! The CLI's error: what failed, on which file, in words a user can act on.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum CliError {
    /// An I/O failure on a file or folder.
    Io {
        path: PathBuf,
        action: &'static str,
        source: std::io::Error,
    },
    /// A bad argument value.
    Usage(String),
    /// A problem the core reported, already worded with its file, row, column and value.
    Input(String),
}

impl CliError {
    pub fn io(
        path: &Path,
        action: &'static str,
    ) -> impl FnOnce(std::io::Error) -> CliError + use<> {
        let path = path.to_path_buf();
        move |source| CliError::Io {
            path,
            action,
            source,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Io {
                path,
                action,
                source,
            } => write!(f, "cannot {action} {}: {source}", path.display()),
            CliError::Usage(m) | CliError::Input(m) => f.write_str(m),
        }
    }
}
