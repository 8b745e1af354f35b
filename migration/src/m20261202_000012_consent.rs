//! Consent: a success story's link to a cluster its teller does not edit waits for that
//! cluster's confirmation, and an invitation remembers the cluster that sent it, so pending
//! invitations can be capped per inviter.
//!
//! Existing links (the demo data among them) are confirmed: they were visible before and stay so.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SuccessStoryCluster::Table)
                    .add_column(boolean(SuccessStoryCluster::Confirmed).default(true))
                    .to_owned(),
            )
            .await?;
        // No foreign key: SQLite cannot add one to a table, and a deleted inviter only stops
        // counting against the cap.
        manager
            .alter_table(
                Table::alter()
                    .table(PartnershipMember::Table)
                    .add_column(uuid_null(PartnershipMember::InvitedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_partnership_member_invited_by")
                    .table(PartnershipMember::Table)
                    .col(PartnershipMember::InvitedBy)
                    .col(PartnershipMember::InvitationState)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_partnership_member_invited_by")
                    .table(PartnershipMember::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PartnershipMember::Table)
                    .drop_column(PartnershipMember::InvitedBy)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SuccessStoryCluster::Table)
                    .drop_column(SuccessStoryCluster::Confirmed)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum SuccessStoryCluster {
    Table,
    Confirmed,
}

#[derive(DeriveIden)]
enum PartnershipMember {
    Table,
    InvitedBy,
    InvitationState,
}
