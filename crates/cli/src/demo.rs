//! `reallot demo`: streams the core's demo generator into eight canonical CSV files.

use crate::error::CliError;
use reallot_core::demo::{DemoConfig, DemoSink, Scale, generate};
use reallot_core::model::TableKind;
use reallot_core::write::{csv_line, header_line};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

struct FileSink {
    files: Vec<(PathBuf, BufWriter<File>)>,
    line: Vec<u8>,
    error: Option<CliError>,
}

impl DemoSink for FileSink {
    fn row(&mut self, table: TableKind, fields: &[&str]) {
        if self.error.is_some() {
            return;
        }
        self.line.clear();
        csv_line(fields, &mut self.line);
        let (path, w) = &mut self.files[table as usize];
        if let Err(e) = w.write_all(&self.line) {
            self.error = Some(CliError::io(path, "write")(e));
        }
    }
}

pub fn run(out: &Path, scale: &str, seed: u64) -> Result<(), CliError> {
    let scale = Scale::parse(scale)
        .ok_or_else(|| CliError::Usage(format!("--scale: expected s, m or l, got {scale:?}")))?;
    std::fs::create_dir_all(out).map_err(CliError::io(out, "create folder"))?;
    let mut files = Vec::new();
    for kind in TableKind::ALL {
        let path = out.join(kind.file_name());
        let f = File::create(&path).map_err(CliError::io(&path, "create"))?;
        let mut w = BufWriter::with_capacity(1 << 20, f);
        let mut head = Vec::new();
        header_line(kind, &mut head);
        w.write_all(&head).map_err(CliError::io(&path, "write"))?;
        files.push((path, w));
    }
    let mut sink = FileSink {
        files,
        line: Vec::with_capacity(512),
        error: None,
    };
    generate(&DemoConfig { scale, seed }, &mut sink);
    if let Some(e) = sink.error {
        return Err(e);
    }
    for (path, mut w) in sink.files {
        w.flush().map_err(CliError::io(&path, "write"))?;
    }
    Ok(())
}
