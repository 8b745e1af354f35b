use sea_orm_migration::{prelude::*, schema::*};

/// The marketplace: a cluster offers or requests cooperation; others express interest.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PartnerSearch::Table)
                    .col(pk_uuid(PartnerSearch::Id))
                    .col(uuid(PartnerSearch::ClusterId))
                    .col(string_len(PartnerSearch::Kind, 40))
                    .col(string_len(PartnerSearch::Title, 200))
                    .col(text(PartnerSearch::Description))
                    .col(date(PartnerSearch::ExpiresOn))
                    .col(timestamp_with_time_zone(PartnerSearch::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PartnerSearch::Table, PartnerSearch::ClusterId)
                            .to(Cluster::Table, Cluster::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_partner_search_expires_on", PartnerSearch::ExpiresOn),
            ("idx_partner_search_cluster", PartnerSearch::ClusterId),
            ("idx_partner_search_created_at", PartnerSearch::CreatedAt),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(PartnerSearch::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        for (table, column) in [
            (
                PartnerSearchEcosystem::Table.into_iden(),
                PartnerSearchEcosystem::Ecosystem.into_iden(),
            ),
            (
                PartnerSearchCountry::Table.into_iden(),
                PartnerSearchCountry::Country.into_iden(),
            ),
        ] {
            manager
                .create_table(
                    Table::create()
                        .table(table.clone())
                        .col(uuid(PartnerSearchEcosystem::PartnerSearchId))
                        .col(string_len(column.clone(), 40))
                        .primary_key(Index::create().col(PartnerSearchEcosystem::PartnerSearchId).col(column))
                        .foreign_key(
                            ForeignKey::create()
                                .from(table, PartnerSearchEcosystem::PartnerSearchId)
                                .to(PartnerSearch::Table, PartnerSearch::Id)
                                .on_delete(ForeignKeyAction::Cascade),
                        )
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ExpressionOfInterest::Table)
                    .col(pk_uuid(ExpressionOfInterest::Id))
                    .col(uuid(ExpressionOfInterest::PartnerSearchId))
                    .col(uuid(ExpressionOfInterest::ClusterId))
                    .col(text(ExpressionOfInterest::Message))
                    .col(string_len(ExpressionOfInterest::CreatedBy, 300))
                    .col(timestamp_with_time_zone(ExpressionOfInterest::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ExpressionOfInterest::Table, ExpressionOfInterest::PartnerSearchId)
                            .to(PartnerSearch::Table, PartnerSearch::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ExpressionOfInterest::Table, ExpressionOfInterest::ClusterId)
                            .to(Cluster::Table, Cluster::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_expression_of_interest_once")
                    .table(ExpressionOfInterest::Table)
                    .col(ExpressionOfInterest::PartnerSearchId)
                    .col(ExpressionOfInterest::ClusterId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ExpressionOfInterest::Table.into_iden(),
            PartnerSearchCountry::Table.into_iden(),
            PartnerSearchEcosystem::Table.into_iden(),
            PartnerSearch::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Cluster {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PartnerSearch {
    Table,
    Id,
    ClusterId,
    Kind,
    Title,
    Description,
    ExpiresOn,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PartnerSearchEcosystem {
    Table,
    PartnerSearchId,
    Ecosystem,
}

#[derive(DeriveIden)]
enum PartnerSearchCountry {
    Table,
    Country,
}

#[derive(DeriveIden)]
enum ExpressionOfInterest {
    Table,
    Id,
    PartnerSearchId,
    ClusterId,
    Message,
    CreatedBy,
    CreatedAt,
}
