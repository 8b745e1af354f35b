//! `clusterbridge import` and `clusterbridge export`: a partner registry's file into the
//! directory (with a progress bar over the file's bytes), and the open-data export into a file
//! or standard output, through the same domain code as the GraphQL mutation and `/export/…`.

use std::{io::Write, path::Path};

use clusterbridge::{
    auth::{Caller, Principal},
    db,
    domain::{
        discovery::ClusterFilter,
        export::{Kind, Selection},
        import::{self, Format, Mode, Report},
    },
    error::{AppError, AppResult},
    http::export::{
        format::{Encoder, Format as ExportFormat},
        records,
    },
};
use uuid::Uuid;

/// Imports `path` for `partner` as the operator; prints the report. Exits with an error when
/// rows were rejected (all or nothing then wrote nothing).
pub async fn import_file(
    database_url: &str,
    path: &Path,
    partner: Uuid,
    format: Option<Format>,
    mode: Mode,
) -> AppResult<Report> {
    let name = path.to_string_lossy();
    let format = format
        .or_else(|| Format::of_file_name(&name))
        .ok_or_else(|| AppError::bad_field("format", "say --format csv, json or jsonl"))?;
    let file = std::fs::File::open(path).map_err(|e| AppError::bad_field("file", format!("{name}: {e}")))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    db::migrate_url(database_url).await?;
    let connection = db::connect_for_maintenance(database_url).await?;
    let bar = indicatif::ProgressBar::new(size);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let source = bar.wrap_read(file);
    let progress_bar = bar.clone();
    let mut progress = move |r: &Report| {
        progress_bar.set_message(format!(
            "{} rows: {} created, {} updated, {} unchanged, {} rejected",
            r.rows, r.created, r.updated, r.unchanged, r.rejected
        ))
    };
    let actor = Principal::operator();
    let report = import::import(&connection, &actor, partner, source, format, mode, &mut progress).await;
    bar.finish();
    connection.close().await.ok();
    report
}

/// Prints the report: the counts, then each rejection named, one line each.
pub fn print_report(report: &Report) {
    println!(
        "rows {} created {} updated {} unchanged {} rejected {} committed {}",
        report.rows, report.created, report.updated, report.unchanged, report.rejected, report.committed
    );
    for r in &report.rejections {
        println!(
            "row {} ({}): {}",
            r.row,
            r.external_id.as_deref().unwrap_or("-"),
            r.reason
        );
    }
    if report.rejected > report.rejections.len() as u64 {
        println!(
            "… and {} more rejected rows",
            report.rejected - report.rejections.len() as u64
        );
    }
    if let Some(error) = &report.file_error {
        println!("the file could not be read to its end: {error}");
    }
}

/// Writes the export of `kind` as the public sees it (no contact details) to `out`.
pub async fn export(
    database_url: &str,
    kind: Kind,
    format: ExportFormat,
    licence: &str,
    out: &mut dyn Write,
) -> AppResult<u64> {
    let connection = db::connect_for_maintenance(database_url).await?;
    let caller = Caller::Anonymous;
    let selection = Selection::new(&connection, &caller, kind, &ClusterFilter::default()).await?;
    let mut encoder = Encoder::new(format, kind, records::columns(kind, false));
    let exported_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let write = |out: &mut dyn Write, bytes: Vec<u8>| out.write_all(&bytes).map_err(AppError::internal);
    write(out, encoder.head(licence, &exported_at))?;
    let (mut after, mut count) = (None, 0u64);
    loop {
        let page = selection.page(&connection, after).await?;
        if page.is_empty() {
            break;
        }
        count += page.len() as u64;
        after = page.last_id();
        write(out, encoder.rows(records::values(page, false)))?;
    }
    write(out, encoder.tail())?;
    out.flush().map_err(AppError::internal)?;
    connection.close().await.ok();
    Ok(count)
}
