use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cluster::Table)
                    .add_column(text_null(Cluster::ReviewNote))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(User::Table)
                    .col(pk_uuid(User::Id))
                    .col(string_len_uniq(User::Email, 254))
                    .col(string_len(User::DisplayName, 200))
                    .col(string_len(User::PasswordHash, 200))
                    .col(timestamp_with_time_zone(User::CreatedAt))
                    .col(timestamp_with_time_zone(User::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(UserGrant::Table)
                    .col(pk_uuid(UserGrant::Id))
                    .col(uuid(UserGrant::UserId))
                    .col(string_len(UserGrant::Role, 40))
                    .col(uuid_null(UserGrant::PartnerOrganisationId))
                    .col(uuid_null(UserGrant::ClusterId))
                    .col(uuid_null(UserGrant::GrantedById))
                    .col(timestamp_with_time_zone(UserGrant::CreatedAt))
                    .foreign_key(&mut fk(UserGrant::Table, UserGrant::UserId, User::Table, User::Id))
                    .foreign_key(&mut fk(
                        UserGrant::Table,
                        UserGrant::PartnerOrganisationId,
                        PartnerOrganisation::Table,
                        PartnerOrganisation::Id,
                    ))
                    .foreign_key(&mut fk(
                        UserGrant::Table,
                        UserGrant::ClusterId,
                        Cluster::Table,
                        Cluster::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_user_grant_user", UserGrant::Table, UserGrant::UserId).await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshToken::Table)
                    .col(pk_uuid(RefreshToken::Id))
                    .col(uuid(RefreshToken::UserId))
                    .col(uuid(RefreshToken::FamilyId))
                    .col(string_len_uniq(RefreshToken::TokenHash, 64))
                    .col(timestamp_with_time_zone(RefreshToken::ExpiresAt))
                    .col(timestamp_with_time_zone(RefreshToken::CreatedAt))
                    .col(timestamp_with_time_zone_null(RefreshToken::RotatedAt))
                    .col(timestamp_with_time_zone_null(RefreshToken::RevokedAt))
                    .foreign_key(&mut fk(
                        RefreshToken::Table,
                        RefreshToken::UserId,
                        User::Table,
                        User::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_refresh_token_family",
            RefreshToken::Table,
            RefreshToken::FamilyId,
        )
        .await?;
        index(
            manager,
            "idx_refresh_token_user",
            RefreshToken::Table,
            RefreshToken::UserId,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Invitation::Table)
                    .col(pk_uuid(Invitation::Id))
                    .col(uuid(Invitation::ClusterId))
                    .col(string_len(Invitation::Email, 254))
                    .col(string_len_uniq(Invitation::TokenHash, 64))
                    .col(uuid_null(Invitation::InvitedById))
                    .col(timestamp_with_time_zone(Invitation::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Invitation::AcceptedAt))
                    .col(timestamp_with_time_zone(Invitation::CreatedAt))
                    .foreign_key(&mut fk(
                        Invitation::Table,
                        Invitation::ClusterId,
                        Cluster::Table,
                        Cluster::Id,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiKey::Table)
                    .col(pk_uuid(ApiKey::Id))
                    .col(string_len(ApiKey::Name, 200))
                    .col(uuid(ApiKey::PartnerOrganisationId))
                    .col(uuid_null(ApiKey::CreatedById))
                    .col(string_len_uniq(ApiKey::Prefix, 40))
                    .col(string_len(ApiKey::SecretHash, 64))
                    .col(timestamp_with_time_zone_null(ApiKey::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ApiKey::RevokedAt))
                    .col(timestamp_with_time_zone_null(ApiKey::LastUsedAt))
                    .col(timestamp_with_time_zone(ApiKey::CreatedAt))
                    .foreign_key(&mut fk(
                        ApiKey::Table,
                        ApiKey::PartnerOrganisationId,
                        PartnerOrganisation::Table,
                        PartnerOrganisation::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiKeyCountry::Table)
                    .col(uuid(ApiKeyCountry::ApiKeyId))
                    .col(char_len(ApiKeyCountry::Country, 2))
                    .primary_key(Index::create().col(ApiKeyCountry::ApiKeyId).col(ApiKeyCountry::Country))
                    .foreign_key(&mut fk(
                        ApiKeyCountry::Table,
                        ApiKeyCountry::ApiKeyId,
                        ApiKey::Table,
                        ApiKey::Id,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(pk_uuid(AuditLog::Id))
                    .col(string_len(AuditLog::ActorKind, 20))
                    .col(uuid_null(AuditLog::ActorId))
                    .col(string_len(AuditLog::ActorLabel, 254))
                    .col(string_len(AuditLog::EntityType, 40))
                    .col(uuid(AuditLog::EntityId))
                    .col(string_len(AuditLog::Action, 40))
                    .col(text(AuditLog::ChangedFields))
                    .col(char_len_null(AuditLog::Country, 2))
                    .col(timestamp_with_time_zone(AuditLog::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_audit_log_country", AuditLog::Table, AuditLog::Country).await?;
        index(manager, "idx_audit_log_entity", AuditLog::Table, AuditLog::EntityId).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_created_at_id")
                    .table(AuditLog::Table)
                    .col(AuditLog::CreatedAt)
                    .col(AuditLog::Id)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditLog::Table.into_iden(),
            ApiKeyCountry::Table.into_iden(),
            ApiKey::Table.into_iden(),
            Invitation::Table.into_iden(),
            RefreshToken::Table.into_iden(),
            UserGrant::Table.into_iden(),
            User::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Cluster::Table)
                    .drop_column(Cluster::ReviewNote)
                    .to_owned(),
            )
            .await
    }
}

fn fk<T: IntoIden, C: IntoIden, U: IntoIden, D: IntoIden>(
    table: T,
    column: C,
    to: U,
    to_column: D,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(to, to_column)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

async fn index<T: IntoIden, C: IntoIden>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    column: C,
) -> Result<(), DbErr> {
    manager
        .create_index(Index::create().name(name).table(table).col(column).to_owned())
        .await
}

#[derive(DeriveIden)]
enum Cluster {
    Table,
    Id,
    ReviewNote,
}

#[derive(DeriveIden)]
enum PartnerOrganisation {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
    Email,
    DisplayName,
    PasswordHash,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum UserGrant {
    Table,
    Id,
    UserId,
    Role,
    PartnerOrganisationId,
    ClusterId,
    GrantedById,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RefreshToken {
    Table,
    Id,
    UserId,
    FamilyId,
    TokenHash,
    ExpiresAt,
    CreatedAt,
    RotatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Invitation {
    Table,
    Id,
    ClusterId,
    Email,
    TokenHash,
    InvitedById,
    ExpiresAt,
    AcceptedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiKey {
    Table,
    Id,
    Name,
    PartnerOrganisationId,
    CreatedById,
    Prefix,
    SecretHash,
    ExpiresAt,
    RevokedAt,
    LastUsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiKeyCountry {
    Table,
    ApiKeyId,
    Country,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    ActorKind,
    ActorId,
    ActorLabel,
    EntityType,
    EntityId,
    Action,
    ChangedFields,
    Country,
    CreatedAt,
}
