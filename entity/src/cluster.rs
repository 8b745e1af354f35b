use sea_orm::entity::prelude::*;

pub use crate::taxonomy::{ClusterKind, ClusterLabel, ClusterStatus, StaffBand};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cluster")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    /// Name in the organisation's own language, e.g. 中華民國全國工業總會.
    pub local_name: Option<String>,
    pub acronym: Option<String>,
    pub kind: ClusterKind,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub region: Option<String>,
    pub city: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
    /// The language `description` is written in (BCP 47 tag, canonical); translations beside it.
    pub language: String,
    pub founded_year: Option<i32>,
    pub management_staff: Option<StaffBand>,
    pub members_total: i32,
    pub members_sme: i32,
    pub members_start_up: i32,
    pub members_large_company: i32,
    pub members_research: i32,
    pub members_other: i32,
    pub label: ClusterLabel,
    pub label_expires_on: Option<Date>,
    pub status: ClusterStatus,
    pub represented_by_id: Option<Uuid>,
    pub contact_person: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Why a reviewer sent the profile back, or why the publication rules were waived.
    pub review_note: Option<String>,
    /// The representing partner's own id of the profile, unique per partner: imports match by it.
    pub external_id: Option<String>,
    /// Optimistic lock: every update bumps it and must name the value it read.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::partner_organisation::Entity",
        from = "Column::RepresentedById",
        to = "super::partner_organisation::Column::Id",
        on_delete = "SetNull"
    )]
    RepresentedBy,
}

impl ActiveModelBehavior for ActiveModel {}
