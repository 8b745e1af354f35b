//! `importClusters`: a partner organisation's registry uploaded as a file (GraphQL multipart
//! request), matched by the partner's own ids; the report says what happened to each row.

use async_graphql::{Context, Enum, Object, SimpleObject, Upload, ID};

use crate::{
    domain::{
        import::{self as domain, Format, Mode},
        policy,
    },
    error::{AppError, AppResult},
    graphql::{
        context::{caller, db},
        node, partner_organisation,
    },
};

/// The format of an import file.
#[derive(Enum, Copy, Clone, PartialEq, Eq)]
pub enum ImportFormat {
    /// A header row naming the columns, then one cluster a row; `;` or `,`, UTF-8 with or without BOM.
    Csv,
    /// A JSON array of objects whose keys are the column names.
    Json,
    /// One JSON object a line.
    JsonLines,
}

/// What a rejected row does to the rest.
#[derive(Enum, Copy, Clone, PartialEq, Eq)]
pub enum ImportMode {
    /// Write nothing unless every row is good.
    AllOrNothing,
    /// Write the good rows, report the rejected ones.
    RowByRow,
}

/// A row that was not written.
#[derive(SimpleObject)]
pub struct ImportRejection {
    /// The row's number: 1 for the first record after the header (CSV), the first element
    /// (JSON), the first non-blank line (JSON Lines).
    pub row: u64,
    /// The row's external id, if it had a usable one.
    pub external_id: Option<String>,
    /// Why it was rejected: each bad column with its problem, or the refusal.
    pub reason: String,
}

/// What an import did; the counts are complete, the rejections listed are the first 100.
#[derive(SimpleObject)]
pub struct ImportClustersPayload {
    /// Rows read.
    pub rows: u64,
    /// New profiles.
    pub created: u64,
    /// Profiles the rows changed.
    pub updated: u64,
    /// Rows that said what the stored profile says already.
    pub unchanged: u64,
    /// Rows not written.
    pub rejected: u64,
    /// The first rejected rows, in file order.
    pub rejections: Vec<ImportRejection>,
    /// Whether the writes counted are stored: false when ALL_OR_NOTHING met a rejected row.
    pub committed: bool,
    /// Why the file could not be read to its end, if it could not (the rows before it are counted).
    pub file_error: Option<String>,
}

#[derive(Default)]
pub struct ClusterImportMutation;

#[Object]
impl ClusterImportMutation {
    /// Imports a partner organisation's registry: a CSV, JSON or JSON Lines file (columns in the
    /// README under "Import and export") sent as a GraphQL multipart request. Rows are matched by
    /// `externalId` among the partner's profiles: a new id creates a profile represented by the
    /// partner, a known one updates it. Every row meets the checks of `createCluster` and
    /// `updateCluster`. The partner's own people (PARTNER) and administrators may import.
    async fn import_clusters(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file: one part of the multipart request.")] file: Upload,
        #[graphql(desc = "The partner organisation whose registry this is; the caller's own when left out.")]
        partner_organisation_id: Option<ID>,
        #[graphql(desc = "The file's format; from the file name's extension when left out.")] format: Option<
            ImportFormat,
        >,
        #[graphql(desc = "ALL_OR_NOTHING (the default) or ROW_BY_ROW.")] mode: Option<ImportMode>,
    ) -> AppResult<ImportClustersPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let partner = match &partner_organisation_id {
            Some(id) => node::decode("partnerOrganisationId", id, partner_organisation::TYPE_NAME)?,
            None => actor
                .partner_organisations
                .first()
                .copied()
                .ok_or_else(|| AppError::bad_field("partnerOrganisationId", "name the partner organisation"))?,
        };
        let upload = file
            .value(ctx)
            .map_err(|_| AppError::bad_field("file", "send the file as a part of the multipart request"))?;
        let format = match format {
            Some(ImportFormat::Csv) => Format::Csv,
            Some(ImportFormat::Json) => Format::Json,
            Some(ImportFormat::JsonLines) => Format::JsonLines,
            None => Format::of_file_name(&upload.filename)
                .ok_or_else(|| AppError::bad_field("format", "say which format the file is in"))?,
        };
        let mode = match mode {
            Some(ImportMode::RowByRow) => Mode::RowByRow,
            Some(ImportMode::AllOrNothing) | None => Mode::AllOrNothing,
        };
        let report = domain::import(db(ctx), actor, partner, upload.into_read(), format, mode, &mut |_| {}).await?;
        Ok(ImportClustersPayload {
            rows: report.rows,
            created: report.created,
            updated: report.updated,
            unchanged: report.unchanged,
            rejected: report.rejected,
            rejections: report
                .rejections
                .into_iter()
                .map(|r| ImportRejection {
                    row: r.row,
                    external_id: r.external_id,
                    reason: r.reason,
                })
                .collect(),
            committed: report.committed,
            file_error: report.file_error,
        })
    }
}
