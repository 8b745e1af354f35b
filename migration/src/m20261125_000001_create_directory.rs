use sea_orm_migration::{prelude::*, schema::*};

/// Length of the text columns that hold taxonomy codes.
const CODE: u32 = 40;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PartnerOrganisation::Table)
                    .col(pk_uuid(PartnerOrganisation::Id))
                    .col(string_len(PartnerOrganisation::Name, 200))
                    .col(string_len_null(PartnerOrganisation::LocalName, 200))
                    .col(string_len_null(PartnerOrganisation::Acronym, 40))
                    .col(string_len_null(PartnerOrganisation::Website, 500))
                    .col(uuid_null(PartnerOrganisation::ClusterId))
                    .col(timestamp_with_time_zone(PartnerOrganisation::CreatedAt))
                    .col(timestamp_with_time_zone(PartnerOrganisation::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PartnerOrganisationCountry::Table)
                    .col(uuid(PartnerOrganisationCountry::PartnerOrganisationId))
                    .col(char_len(PartnerOrganisationCountry::Country, 2))
                    .primary_key(
                        Index::create()
                            .col(PartnerOrganisationCountry::PartnerOrganisationId)
                            .col(PartnerOrganisationCountry::Country),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                PartnerOrganisationCountry::Table,
                                PartnerOrganisationCountry::PartnerOrganisationId,
                            )
                            .to(PartnerOrganisation::Table, PartnerOrganisation::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            PartnerOrganisationCountry::Table,
            "idx_partner_organisation_country_country",
            &[PartnerOrganisationCountry::Country],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Cluster::Table)
                    .col(pk_uuid(Cluster::Id))
                    .col(string_len_uniq(Cluster::Slug, 120))
                    .col(string_len(Cluster::Name, 200))
                    .col(string_len_null(Cluster::LocalName, 200))
                    .col(string_len_null(Cluster::Acronym, 40))
                    .col(string_len(Cluster::Kind, CODE))
                    .col(char_len(Cluster::Country, 2))
                    .col(string_len_null(Cluster::Region, 120))
                    .col(string_len_null(Cluster::City, 120))
                    .col(string_len_null(Cluster::Website, 500))
                    .col(text_null(Cluster::Description))
                    .col(integer_null(Cluster::FoundedYear))
                    .col(string_len_null(Cluster::ManagementStaff, CODE))
                    .col(integer(Cluster::MembersTotal).default(0))
                    .col(integer(Cluster::MembersSme).default(0))
                    .col(integer(Cluster::MembersStartUp).default(0))
                    .col(integer(Cluster::MembersLargeCompany).default(0))
                    .col(integer(Cluster::MembersResearch).default(0))
                    .col(integer(Cluster::MembersOther).default(0))
                    .col(string_len(Cluster::Label, CODE))
                    .col(date_null(Cluster::LabelExpiresOn))
                    .col(string_len(Cluster::Status, CODE))
                    .col(uuid_null(Cluster::RepresentedById))
                    .col(string_len_null(Cluster::ContactPerson, 200))
                    .col(string_len_null(Cluster::ContactEmail, 254))
                    .col(string_len_null(Cluster::ContactPhone, 40))
                    .col(double_null(Cluster::Latitude))
                    .col(double_null(Cluster::Longitude))
                    .col(integer(Cluster::Version).default(1))
                    .col(timestamp_with_time_zone(Cluster::CreatedAt))
                    .col(timestamp_with_time_zone(Cluster::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Cluster::Table, Cluster::RepresentedById)
                            .to(PartnerOrganisation::Table, PartnerOrganisation::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // Keyset pagination walks (sort key, id); filters start from country and status.
        create_index(
            manager,
            Cluster::Table,
            "idx_cluster_name_id",
            &[Cluster::Name, Cluster::Id],
        )
        .await?;
        create_index(
            manager,
            Cluster::Table,
            "idx_cluster_created_at_id",
            &[Cluster::CreatedAt, Cluster::Id],
        )
        .await?;
        create_index(manager, Cluster::Table, "idx_cluster_country", &[Cluster::Country]).await?;
        create_index(manager, Cluster::Table, "idx_cluster_status", &[Cluster::Status]).await?;
        create_index(
            manager,
            Cluster::Table,
            "idx_cluster_represented_by",
            &[Cluster::RepresentedById],
        )
        .await?;

        for (table, column, index) in [
            (
                ClusterEcosystem::Table.into_iden(),
                ClusterEcosystem::Ecosystem.into_iden(),
                "idx_cluster_ecosystem_ecosystem",
            ),
            (
                ClusterEmergingIndustry::Table.into_iden(),
                ClusterEmergingIndustry::EmergingIndustry.into_iden(),
                "idx_cluster_emerging_industry_emerging_industry",
            ),
            (
                ClusterTechnology::Table.into_iden(),
                ClusterTechnology::Keyword.into_iden(),
                "idx_cluster_technology_keyword",
            ),
        ] {
            manager
                .create_table(
                    Table::create()
                        .table(table.clone())
                        .col(uuid(ClusterEcosystem::ClusterId))
                        .col(string_len(column.clone(), 80))
                        .primary_key(Index::create().col(ClusterEcosystem::ClusterId).col(column.clone()))
                        .foreign_key(
                            ForeignKey::create()
                                .from(table.clone(), ClusterEcosystem::ClusterId)
                                .to(Cluster::Table, Cluster::Id)
                                .on_delete(ForeignKeyAction::Cascade),
                        )
                        .to_owned(),
                )
                .await?;
            // The primary key serves lookups by cluster; this one serves filters by value.
            manager
                .create_index(Index::create().name(index).table(table).col(column).to_owned())
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Member::Table)
                    .col(pk_uuid(Member::Id))
                    .col(uuid(Member::ClusterId))
                    .col(string_len(Member::Name, 200))
                    .col(string_len(Member::Kind, CODE))
                    .col(char_len(Member::Country, 2))
                    .col(string_len_null(Member::Website, 500))
                    .col(timestamp_with_time_zone(Member::CreatedAt))
                    .col(timestamp_with_time_zone(Member::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Member::Table, Member::ClusterId)
                            .to(Cluster::Table, Cluster::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            Member::Table,
            "idx_member_cluster_name",
            &[Member::ClusterId, Member::Name],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Partnership::Table)
                    .col(pk_uuid(Partnership::Id))
                    .col(string_len(Partnership::Name, 200))
                    .col(string_len_null(Partnership::Acronym, 40))
                    .col(string_len(Partnership::Kind, CODE))
                    .col(text_null(Partnership::Description))
                    .col(date_null(Partnership::StartsOn))
                    .col(date_null(Partnership::EndsOn))
                    .col(string_len_null(Partnership::FundingProgramme, 200))
                    .col(big_integer_null(Partnership::FundingEur))
                    .col(string_len(Partnership::Status, CODE))
                    .col(integer(Partnership::Version).default(1))
                    .col(timestamp_with_time_zone(Partnership::CreatedAt))
                    .col(timestamp_with_time_zone(Partnership::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            Partnership::Table,
            "idx_partnership_name_id",
            &[Partnership::Name, Partnership::Id],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(PartnershipEcosystem::Table)
                    .col(uuid(PartnershipEcosystem::PartnershipId))
                    .col(string_len(PartnershipEcosystem::Ecosystem, CODE))
                    .primary_key(
                        Index::create()
                            .col(PartnershipEcosystem::PartnershipId)
                            .col(PartnershipEcosystem::Ecosystem),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PartnershipEcosystem::Table, PartnershipEcosystem::PartnershipId)
                            .to(Partnership::Table, Partnership::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PartnershipTargetMarket::Table)
                    .col(uuid(PartnershipTargetMarket::PartnershipId))
                    .col(char_len(PartnershipTargetMarket::Country, 2))
                    .primary_key(
                        Index::create()
                            .col(PartnershipTargetMarket::PartnershipId)
                            .col(PartnershipTargetMarket::Country),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PartnershipTargetMarket::Table, PartnershipTargetMarket::PartnershipId)
                            .to(Partnership::Table, Partnership::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PartnershipMember::Table)
                    .col(uuid(PartnershipMember::PartnershipId))
                    .col(uuid(PartnershipMember::ClusterId))
                    .col(string_len(PartnershipMember::Role, CODE))
                    .col(string_len(PartnershipMember::InvitationState, CODE))
                    .col(timestamp_with_time_zone(PartnershipMember::JoinedAt))
                    .primary_key(
                        Index::create()
                            .col(PartnershipMember::PartnershipId)
                            .col(PartnershipMember::ClusterId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PartnershipMember::Table, PartnershipMember::PartnershipId)
                            .to(Partnership::Table, Partnership::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PartnershipMember::Table, PartnershipMember::ClusterId)
                            .to(Cluster::Table, Cluster::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            PartnershipMember::Table,
            "idx_partnership_member_cluster",
            &[PartnershipMember::ClusterId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SuccessStory::Table)
                    .col(pk_uuid(SuccessStory::Id))
                    .col(string_len(SuccessStory::Title, 200))
                    .col(text(SuccessStory::Summary))
                    .col(text_null(SuccessStory::Body))
                    .col(string_len(SuccessStory::Outcome, CODE))
                    .col(integer_null(SuccessStory::BeganIn))
                    .col(uuid_null(SuccessStory::PartnershipId))
                    .col(integer(SuccessStory::Version).default(1))
                    .col(timestamp_with_time_zone(SuccessStory::CreatedAt))
                    .col(timestamp_with_time_zone(SuccessStory::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SuccessStory::Table, SuccessStory::PartnershipId)
                            .to(Partnership::Table, Partnership::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            SuccessStory::Table,
            "idx_success_story_created_at_id",
            &[SuccessStory::CreatedAt, SuccessStory::Id],
        )
        .await?;
        create_index(
            manager,
            SuccessStory::Table,
            "idx_success_story_partnership",
            &[SuccessStory::PartnershipId],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(SuccessStoryCluster::Table)
                    .col(uuid(SuccessStoryCluster::SuccessStoryId))
                    .col(uuid(SuccessStoryCluster::ClusterId))
                    .primary_key(
                        Index::create()
                            .col(SuccessStoryCluster::SuccessStoryId)
                            .col(SuccessStoryCluster::ClusterId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SuccessStoryCluster::Table, SuccessStoryCluster::SuccessStoryId)
                            .to(SuccessStory::Table, SuccessStory::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SuccessStoryCluster::Table, SuccessStoryCluster::ClusterId)
                            .to(Cluster::Table, Cluster::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            SuccessStoryCluster::Table,
            "idx_success_story_cluster_cluster",
            &[SuccessStoryCluster::ClusterId],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            SuccessStoryCluster::Table.into_iden(),
            SuccessStory::Table.into_iden(),
            PartnershipMember::Table.into_iden(),
            PartnershipTargetMarket::Table.into_iden(),
            PartnershipEcosystem::Table.into_iden(),
            Partnership::Table.into_iden(),
            Member::Table.into_iden(),
            ClusterTechnology::Table.into_iden(),
            ClusterEmergingIndustry::Table.into_iden(),
            ClusterEcosystem::Table.into_iden(),
            Cluster::Table.into_iden(),
            PartnerOrganisationCountry::Table.into_iden(),
            PartnerOrganisation::Table.into_iden(),
        ];
        for table in tables {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

async fn create_index<T, C>(manager: &SchemaManager<'_>, table: T, name: &str, columns: &[C]) -> Result<(), DbErr>
where
    T: IntoIden,
    C: IntoIden + Clone,
{
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column.clone());
    }
    manager.create_index(index.to_owned()).await
}

#[derive(DeriveIden, Clone, Copy)]
enum PartnerOrganisation {
    Table,
    Id,
    Name,
    LocalName,
    Acronym,
    Website,
    ClusterId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PartnerOrganisationCountry {
    Table,
    PartnerOrganisationId,
    Country,
}

#[derive(DeriveIden, Clone, Copy)]
enum Cluster {
    Table,
    Id,
    Slug,
    Name,
    LocalName,
    Acronym,
    Kind,
    Country,
    Region,
    City,
    Website,
    Description,
    FoundedYear,
    ManagementStaff,
    MembersTotal,
    MembersSme,
    MembersStartUp,
    MembersLargeCompany,
    MembersResearch,
    MembersOther,
    Label,
    LabelExpiresOn,
    Status,
    RepresentedById,
    ContactPerson,
    ContactEmail,
    ContactPhone,
    Latitude,
    Longitude,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ClusterEcosystem {
    Table,
    ClusterId,
    Ecosystem,
}

#[derive(DeriveIden, Clone, Copy)]
enum ClusterEmergingIndustry {
    Table,
    EmergingIndustry,
}

#[derive(DeriveIden, Clone, Copy)]
enum ClusterTechnology {
    Table,
    Keyword,
}

#[derive(DeriveIden, Clone, Copy)]
enum Member {
    Table,
    Id,
    ClusterId,
    Name,
    Kind,
    Country,
    Website,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Partnership {
    Table,
    Id,
    Name,
    Acronym,
    Kind,
    Description,
    StartsOn,
    EndsOn,
    FundingProgramme,
    FundingEur,
    Status,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PartnershipEcosystem {
    Table,
    PartnershipId,
    Ecosystem,
}

#[derive(DeriveIden, Clone, Copy)]
enum PartnershipTargetMarket {
    Table,
    PartnershipId,
    Country,
}

#[derive(DeriveIden, Clone, Copy)]
enum PartnershipMember {
    Table,
    PartnershipId,
    ClusterId,
    Role,
    InvitationState,
    JoinedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SuccessStory {
    Table,
    Id,
    Title,
    Summary,
    Body,
    Outcome,
    BeganIn,
    PartnershipId,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SuccessStoryCluster {
    Table,
    SuccessStoryId,
    ClusterId,
}
