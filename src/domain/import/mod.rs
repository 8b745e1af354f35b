//! Importing a partner organisation's registry: a file of cluster profiles (CSV, a JSON array or
//! JSON Lines) matched by the partner's own id of each, so that a re-run updates instead of
//! duplicating. Every row meets the checks of `createCluster` / `updateCluster`
//! (`domain::cluster::external`); the report counts created, updated, unchanged and rejected rows
//! and names the first rejected ones with their reasons.
//!
//! `read` parses the file on a blocking thread while this side writes: at most two batches wait
//! between them, so a file of any length runs in the memory of a few batches. Each batch costs
//! a fixed number of statements for its new rows (multi-row INSERTs), one savepointed rewrite
//! per changed row and nothing per unchanged one. All or nothing writes everything in one
//! transaction; row by row commits each batch of [`BATCH_ROWS`].

mod read;
mod row;

use std::{
    collections::HashSet,
    hash::{Hash, Hasher},
    io::Read,
};

use entity::partner_organisation;
use sea_orm::{DatabaseConnection, DatabaseTransaction, EntityTrait};
use uuid::Uuid;

use self::row::Row;
pub use self::row::{Column, EXTERNAL_ID_MAX};
use crate::{
    auth::Principal,
    domain::{
        cluster::{
            external::{self, Plan},
            ClusterProfile,
        },
        policy,
    },
    error::{AppError, AppResult},
    webhook::{self, event::Subscribers},
};

/// Rows written in one transaction in row-by-row mode, and read ahead as one batch.
pub const BATCH_ROWS: usize = 500;
/// Rejected rows the report names; it counts all of them.
pub const REJECTIONS_LISTED: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    JsonLines,
}

impl Format {
    /// The format a file name's extension says, if it says one.
    pub fn of_file_name(name: &str) -> Option<Format> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One transaction: any rejected row (or a file that cannot be read to its end) writes nothing.
    AllOrNothing,
    /// Good rows are written, a batch a transaction; rejected ones are reported.
    RowByRow,
}

/// A row that was not written, and why.
#[derive(Debug, Clone)]
pub struct Rejection {
    /// 1 for the first record after the header (CSV), the array's first element, the first
    /// non-blank line (JSON Lines).
    pub row: u64,
    pub external_id: Option<String>,
    pub reason: String,
}

/// What an import did. Counts are complete; `rejections` lists the first [`REJECTIONS_LISTED`].
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    pub rejections: Vec<Rejection>,
    /// Whether the counted writes are stored: false after all or nothing met a rejection.
    pub committed: bool,
    /// Why the file could not be read to its end (the rows before were counted).
    pub file_error: Option<String>,
}

impl Report {
    fn reject(&mut self, row: u64, external_id: Option<String>, reason: String) {
        self.rejected += 1;
        if self.rejections.len() < REJECTIONS_LISTED {
            self.rejections.push(Rejection {
                row,
                external_id,
                reason,
            });
        }
    }
}

/// Imports `source` into `partner`'s profiles as `actor`; `progress` sees the report after each
/// batch. Refused as a whole when the caller may not import for the partner, the partner does
/// not exist or the file's header cannot be read; otherwise rows are reported one by one.
pub async fn import<R: Read + Send + 'static>(
    db: &DatabaseConnection,
    actor: &Principal,
    partner: Uuid,
    source: R,
    format: Format,
    mode: Mode,
    progress: &mut (dyn FnMut(&Report) + Send),
) -> AppResult<Report> {
    policy::may_import_clusters(actor, partner)?;
    if partner_organisation::Entity::find_by_id(partner)
        .one(db)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound("partnerOrganisationId: partner organisation".into()));
    }
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Row>>(2);
    let reader = tokio::task::spawn_blocking(move || {
        read::read_rows(source, format, BATCH_ROWS, &mut |rows| tx.blocking_send(rows).is_ok())
    });
    let mut report = Report::default();
    let mut seen = HashSet::new();
    // Read once for the whole file: an endpoint registered during the import is not told of it.
    let subscribers = Subscribers::load(db, &webhook::event::CLUSTER_EVENTS).await?;
    let whole = match mode {
        Mode::AllOrNothing => Some(crate::db::begin_write(db).await?),
        Mode::RowByRow => None,
    };
    while let Some(rows) = rx.recv().await {
        match &whole {
            Some(txn) => write_batch(txn, actor, partner, rows, &mut seen, &subscribers, &mut report).await?,
            None => {
                let txn = crate::db::begin_write(db).await?;
                write_batch(&txn, actor, partner, rows, &mut seen, &subscribers, &mut report).await?;
                txn.commit().await?;
                report.committed = true;
            }
        }
        progress(&report);
    }
    match reader.await.map_err(AppError::internal)? {
        Ok(_) => {}
        // Nothing was read: the file as a whole is not one this endpoint takes.
        Err(message) if report.rows == 0 => return Err(AppError::bad_field("file", message)),
        Err(message) => report.file_error = Some(message),
    }
    if let Some(txn) = whole {
        if report.rejected == 0 && report.file_error.is_none() {
            txn.commit().await?;
            report.committed = true;
        } else {
            txn.rollback().await?;
        }
    }
    Ok(report)
}

/// Writes one batch of rows: the batch's stored profiles read together, every row checked in
/// Rust (rejections reported as they are found), the new profiles then written in multi-row
/// INSERTs under one savepoint, the changed ones one by one under a savepoint each, unchanged
/// ones not at all. When the batch's INSERTs fail (a slug or external id that another writer
/// took meanwhile), its new profiles are written again one by one, each under a savepoint, so
/// a bad row never loses the good ones and PostgreSQL's transaction, aborted at a failed
/// statement otherwise, goes on.
async fn write_batch(
    txn: &DatabaseTransaction,
    actor: &Principal,
    partner: Uuid,
    rows: Vec<Row>,
    seen: &mut HashSet<u64>,
    subscribers: &Subscribers,
    report: &mut Report,
) -> AppResult<()> {
    let ids: Vec<String> = rows
        .iter()
        .filter_map(|r| r.read.as_ref().ok().map(|c| c.external_id.clone()))
        .collect();
    let stored = external::matching(txn, partner, &ids).await?;
    let listed_before = report.rejections.len();
    let mut creates: Vec<(u64, String, ClusterProfile)> = Vec::new();
    let mut updates: Vec<(u64, String, ClusterProfile)> = Vec::new();
    for row in rows {
        report.rows += 1;
        let cells = match row.read {
            Ok(cells) => cells,
            Err(reason) => {
                report.reject(row.number, None, reason);
                continue;
            }
        };
        // A hash, not the id: the set stays small over 100,000 rows. Two ids sharing a 64-bit
        // hash would wrongly be called repeats; with a million ids the odds are 1 in 10^7.
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        cells.external_id.hash(&mut hasher);
        if !seen.insert(hasher.finish()) {
            let reason = "externalId: an earlier row of the file has this id".to_owned();
            report.reject(row.number, Some(cells.external_id), reason);
            continue;
        }
        let planned = external::plan(actor, partner, stored.get(&cells.external_id), |profile| {
            match cells.apply(profile) {
                bad if bad.is_empty() => Ok(()),
                fields => Err(AppError::BadUserInput {
                    message: "cells of the wrong type".into(),
                    fields,
                }),
            }
        });
        match planned {
            Ok(Plan::Create(profile)) => creates.push((row.number, cells.external_id, profile)),
            Ok(Plan::Update(profile)) => updates.push((row.number, cells.external_id, profile)),
            Ok(Plan::Unchanged(_)) => report.unchanged += 1,
            Err(err) => report.reject(row.number, Some(cells.external_id), reason(err)?),
        }
    }
    if !creates.is_empty() {
        let all: Vec<(&str, &ClusterProfile)> = creates.iter().map(|(_, id, p)| (id.as_str(), p)).collect();
        let savepoint = crate::db::savepoint(txn).await?;
        match external::create_many(&savepoint, actor, &all, subscribers).await {
            Ok(created) => {
                savepoint.commit().await?;
                report.created += created.len() as u64;
            }
            Err(err) => {
                savepoint.rollback().await?;
                tracing::info!(%err, rows = creates.len(), "an import batch's inserts failed; writing its rows one by one");
                for (number, external_id, profile) in &creates {
                    let savepoint = crate::db::savepoint(txn).await?;
                    match external::create_many(&savepoint, actor, &[(external_id, profile)], subscribers).await {
                        Ok(_) => {
                            savepoint.commit().await?;
                            report.created += 1;
                        }
                        Err(err) => {
                            savepoint.rollback().await?;
                            report.reject(*number, Some(external_id.clone()), reason(err)?);
                        }
                    }
                }
            }
        }
    }
    for (number, external_id, profile) in updates {
        let Some(stored) = stored.get(&external_id) else {
            continue;
        };
        let savepoint = crate::db::savepoint(txn).await?;
        match external::update(&savepoint, actor, stored, profile, subscribers).await {
            Ok(_) => {
                savepoint.commit().await?;
                report.updated += 1;
            }
            Err(err) => {
                savepoint.rollback().await?;
                report.reject(number, Some(external_id), reason(err)?);
            }
        }
    }
    // Rejections found while writing come after those found while checking: list them by row.
    report.rejections[listed_before..].sort_by_key(|r| r.row);
    Ok(())
}

/// What the report says of a refused row; an error of the service rather than of the row
/// (the database went away) stops the import.
fn reason(err: AppError) -> AppResult<String> {
    match err {
        AppError::BadUserInput { fields, .. } => Ok(fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; ")),
        AppError::NotFound(_) | AppError::Conflict(_) | AppError::Forbidden(_) | AppError::Refused(_) => {
            Ok(err.to_string())
        }
        other => Err(other),
    }
}
