//! Webhooks (issue 18): the endpoints partner organisations register, the event types each
//! follows (one row each), and the deliveries — a sibling of the mail outbox with the same
//! claiming columns (status, attempts, next attempt, lease), so one piece of code claims and
//! retries both.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WebhookEndpoint::Table)
                    .col(pk_uuid(WebhookEndpoint::Id))
                    .col(uuid(WebhookEndpoint::PartnerOrganisationId))
                    .col(string_len(WebhookEndpoint::Url, 2000))
                    .col(string_len_null(WebhookEndpoint::Description, 500))
                    // `whsec_` + base64: the key must be at hand to sign, so it is not hashed.
                    .col(string_len(WebhookEndpoint::Secret, 200))
                    .col(string_len_null(WebhookEndpoint::PreviousSecret, 200))
                    .col(timestamp_with_time_zone_null(WebhookEndpoint::PreviousSecretUntil))
                    .col(string_len(WebhookEndpoint::Status, 20))
                    .col(timestamp_with_time_zone_null(WebhookEndpoint::FailingSince))
                    .col(timestamp_with_time_zone_null(WebhookEndpoint::DisabledAt))
                    .col(integer(WebhookEndpoint::Version))
                    .col(timestamp_with_time_zone(WebhookEndpoint::CreatedAt))
                    .col(timestamp_with_time_zone(WebhookEndpoint::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookEndpoint::Table, WebhookEndpoint::PartnerOrganisationId)
                            .to(PartnerOrganisation::Table, PartnerOrganisation::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .check(Expr::cust("status IN ('ENABLED', 'DISABLED')"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_endpoint_partner_organisation")
                    .table(WebhookEndpoint::Table)
                    .col(WebhookEndpoint::PartnerOrganisationId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookEndpointEventType::Table)
                    .col(uuid(WebhookEndpointEventType::EndpointId))
                    .col(string_len(WebhookEndpointEventType::EventType, 40))
                    .primary_key(
                        Index::create()
                            .col(WebhookEndpointEventType::EndpointId)
                            .col(WebhookEndpointEventType::EventType),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookEndpointEventType::Table, WebhookEndpointEventType::EndpointId)
                            .to(WebhookEndpoint::Table, WebhookEndpoint::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Raising an event reads the endpoints that follow its type.
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_endpoint_event_type_event_type")
                    .table(WebhookEndpointEventType::Table)
                    .col(WebhookEndpointEventType::EventType)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDelivery::Table)
                    .col(pk_uuid(WebhookDelivery::Id))
                    .col(uuid(WebhookDelivery::EndpointId))
                    .col(string_len(WebhookDelivery::EventType, 40))
                    .col(text(WebhookDelivery::Payload))
                    .col(string_len(WebhookDelivery::Status, 40))
                    .col(integer(WebhookDelivery::Attempts))
                    .col(timestamp_with_time_zone(WebhookDelivery::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(WebhookDelivery::LeaseUntil))
                    .col(string_len_null(WebhookDelivery::LeaseOwner, 100))
                    .col(text_null(WebhookDelivery::LastError))
                    .col(integer_null(WebhookDelivery::ResponseCode))
                    .col(timestamp_with_time_zone_null(WebhookDelivery::SentAt))
                    .col(integer(WebhookDelivery::Version))
                    .col(timestamp_with_time_zone(WebhookDelivery::CreatedAt))
                    .col(timestamp_with_time_zone(WebhookDelivery::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDelivery::Table, WebhookDelivery::EndpointId)
                            .to(WebhookEndpoint::Table, WebhookEndpoint::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .check(Expr::cust("status IN ('QUEUED', 'SENDING', 'SENT', 'FAILED')"))
                    .check(Expr::cust("status <> 'SENT' OR sent_at IS NOT NULL"))
                    .to_owned(),
            )
            .await?;
        // The sender claims by status and time; an endpoint's history reads newest first.
        for (name, columns) in [
            (
                "idx_webhook_delivery_status_next_attempt_at",
                vec![WebhookDelivery::Status, WebhookDelivery::NextAttemptAt],
            ),
            (
                "idx_webhook_delivery_endpoint_created_at",
                vec![WebhookDelivery::EndpointId, WebhookDelivery::CreatedAt],
            ),
        ] {
            let mut index = Index::create().name(name).table(WebhookDelivery::Table).to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookDelivery::Table.into_iden(),
            WebhookEndpointEventType::Table.into_iden(),
            WebhookEndpoint::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum PartnerOrganisation {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum WebhookEndpoint {
    Table,
    Id,
    PartnerOrganisationId,
    Url,
    Description,
    Secret,
    PreviousSecret,
    PreviousSecretUntil,
    Status,
    FailingSince,
    DisabledAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookEndpointEventType {
    Table,
    EndpointId,
    EventType,
}

#[derive(DeriveIden)]
enum WebhookDelivery {
    Table,
    Id,
    EndpointId,
    EventType,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LeaseOwner,
    LastError,
    ResponseCode,
    SentAt,
    Version,
    CreatedAt,
    UpdatedAt,
}
