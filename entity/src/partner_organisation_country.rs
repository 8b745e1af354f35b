use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_organisation_country")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub partner_organisation_id: Uuid,
    /// ISO 3166-1 alpha-2.
    #[sea_orm(primary_key, auto_increment = false)]
    pub country: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::partner_organisation::Entity",
        from = "Column::PartnerOrganisationId",
        to = "super::partner_organisation::Column::Id",
        on_delete = "Cascade"
    )]
    PartnerOrganisation,
}

impl ActiveModelBehavior for ActiveModel {}
