//! Where a mail goes: an SMTP server through lettre, or (development, no SMTP_URL) a folder of
//! .eml files, one per mail, named by its id.

use std::{path::PathBuf, time::Duration};

use entity::outbox_mail;
use lettre::{
    message::{
        header::{ContentType, HeaderName, HeaderValue},
        Mailbox, MultiPart, SinglePart,
    },
    transport::smtp::authentication::Credentials,
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

use super::{outbox::headers_of, outbox::Outcome, settings::MailSettings};

/// Settings that cannot make a transport.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("SMTP_URL: {0}")]
    SmtpUrl(String),
    #[error("MAIL_FROM {0:?} is not a mailbox such as `Name <address@example.org>`")]
    From(String),
}

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(PathBuf),
}

/// A transport and the sender every mail carries.
pub struct Mailer {
    pub transport: Transport,
    pub from: Mailbox,
}

impl Mailer {
    pub fn from_settings(settings: &MailSettings) -> Result<Self, TransportError> {
        let from: Mailbox = settings
            .mail_from
            .parse()
            .map_err(|_| TransportError::From(settings.mail_from.clone()))?;
        let transport = match &settings.smtp_url {
            None => Transport::Folder(settings.mail_out_dir.clone()),
            Some(url) => {
                let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|err| TransportError::SmtpUrl(err.to_string()))?
                    .timeout(Some(Duration::from_secs(settings.smtp_timeout.max(1))));
                // SMTP_PASSWORD_FILE was read into the password with the other secrets' files.
                let password = settings.smtp_password.clone();
                if let Some(username) = &settings.smtp_username {
                    builder = builder.credentials(Credentials::new(username.clone(), password.unwrap_or_default()));
                }
                Transport::Smtp(builder.build())
            }
        };
        Ok(Mailer { transport, from })
    }

    /// One attempt at `mail`.
    pub async fn send(&self, mail: &outbox_mail::Model) -> Outcome {
        let message = match self.message(mail) {
            Ok(message) => message,
            // A mail that cannot be built will not build on a retry either.
            Err(reason) => return Outcome::Permanent(reason),
        };
        match &self.transport {
            Transport::Smtp(smtp) => match smtp.send(message).await {
                Ok(_) => Outcome::Sent,
                Err(err) if err.is_permanent() => Outcome::Permanent(err.to_string()),
                Err(err) => Outcome::Temporary(err.to_string()),
            },
            Transport::Folder(dir) => {
                let path = dir.join(format!("{}.eml", mail.id));
                let written = tokio::fs::create_dir_all(dir)
                    .await
                    .and(tokio::fs::write(&path, message.formatted()).await);
                match written {
                    Ok(()) => {
                        tracing::info!(to = %mail.recipient, subject = %mail.subject, path = %path.display(), "mail written");
                        Outcome::Sent
                    }
                    Err(err) => Outcome::Temporary(format!("{}: {err}", path.display())),
                }
            }
        }
    }

    fn message(&self, mail: &outbox_mail::Model) -> Result<Message, String> {
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|err| format!("recipient {:?}: {err}", mail.recipient))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(mail.message_id.clone()))
            .date(mail.created_at.into());
        for (name, value) in headers_of(mail) {
            let name = HeaderName::new_from_ascii(name.clone()).map_err(|_| format!("header name {name:?}"))?;
            builder = builder.raw_header(HeaderValue::new(name, value));
        }
        let built = match &mail.html_body {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(mail.text_body.clone(), html.clone())),
            None => builder.singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(mail.text_body.clone()),
            ),
        };
        built.map_err(|err| err.to_string())
    }
}
