//! Sending one rendered message over SMTP with `lettre`.
use lettre::message::header::ContentType;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::templates::Rendered;
use crate::config::MailSettings;

/// The SMTP connection pool and the sender.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    connections: u32,
}

/// A message ready to go.
pub struct Outgoing<'a> {
    pub to: &'a str,
    pub message_id: String,
    pub rendered: &'a Rendered,
    /// One-click unsubscribe (RFC 8058), for reminders.
    pub unsubscribe_url: Option<&'a str>,
    /// A calendar file (`workshop.ics`) sent beside the message.
    pub calendar: Option<&'a str>,
}

/// Why a message was not sent: `permanent` when the server refused it for
/// good (5xx); anything else may pass on a later attempt.
#[derive(Debug)]
pub struct SendError {
    pub message: String,
    pub permanent: bool,
}

impl Mailer {
    /// The mailer `SMTP_URL` describes, or `None` when it is unset.
    pub fn from_settings(settings: &MailSettings) -> anyhow::Result<Option<Mailer>> {
        let Some(url) = settings.smtp_url.as_deref() else {
            return Ok(None);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&lettre_url(url)?)
            .map_err(|e| anyhow::anyhow!("SMTP_URL is not usable: {e}"))?
            .pool_config(PoolConfig::new().max_size(settings.connections))
            .build();
        let from = settings
            .from
            .parse::<Mailbox>()
            .map_err(|e| anyhow::anyhow!("MAIL_FROM is not an address: {e}"))?;
        Ok(Some(Mailer {
            transport,
            from,
            connections: settings.connections,
        }))
    }

    /// SMTP connections kept open at most (`MAIL_CONNECTIONS`): the
    /// dispatcher sends this many messages at once.
    pub fn connections(&self) -> usize {
        self.connections as usize
    }

    /// The sender's domain, for Message-IDs.
    pub fn host(&self) -> &str {
        self.from.email.domain()
    }

    pub async fn send(&self, out: Outgoing<'_>) -> Result<(), SendError> {
        let to = out.to.parse::<Mailbox>().map_err(|e| SendError {
            message: format!("the recipient's address is not valid: {e}"),
            permanent: true,
        })?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(out.rendered.subject.clone())
            .message_id(Some(out.message_id));
        if let Some(url) = out.unsubscribe_url {
            builder = builder
                .header(ListUnsubscribe(format!("<{url}>")))
                .header(ListUnsubscribePost);
        }
        let body =
            MultiPart::alternative_plain_html(out.rendered.text.clone(), out.rendered.html.clone());
        let body = match out.calendar {
            None => body,
            Some(ics) => MultiPart::mixed().multipart(body).singlepart(
                Attachment::new("workshop.ics".to_owned()).body(ics.to_owned(), calendar_type()),
            ),
        };
        let message = builder.multipart(body).map_err(|e| SendError {
            message: format!("the message could not be built: {e}"),
            permanent: true,
        })?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| SendError {
                permanent: e.is_permanent(),
                message: e.to_string(),
            })
    }
}

/// `text/calendar; charset=utf-8; method=PUBLISH`, the type of an
/// attached `.ics`.
fn calendar_type() -> ContentType {
    ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
        .unwrap_or(ContentType::TEXT_PLAIN)
}

/// `SMTP_URL` as lettre reads it. Ours: `smtp://` means STARTTLS required
/// (lettre's own default is no TLS at all), `smtps://` implicit TLS, and
/// `?tls=none` plain SMTP for a local sink such as Mailpit.
fn lettre_url(url: &str) -> anyhow::Result<String> {
    let mut parsed =
        url::Url::parse(url).map_err(|e| anyhow::anyhow!("SMTP_URL is not a URL: {e}"))?;
    let tls: Option<String> = parsed
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    let others: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(k, _)| k != "tls")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let tls = match (parsed.scheme(), tls.as_deref()) {
        ("smtps", _) => None,
        ("smtp", None | Some("required")) => Some("required"),
        ("smtp", Some("opportunistic")) => Some("opportunistic"),
        ("smtp", Some("none")) => None,
        (scheme, tls) => anyhow::bail!(
            "SMTP_URL must be smtp:// (tls=required, opportunistic or none) or smtps://, not {scheme} with tls={tls:?}"
        ),
    };
    parsed.set_query(None);
    {
        let mut query = parsed.query_pairs_mut();
        for (k, v) in &others {
            query.append_pair(k, v);
        }
        if let Some(tls) = tls {
            query.append_pair("tls", tls);
        }
    }
    let mut out = parsed.to_string();
    if out.ends_with('?') {
        out.pop();
    }
    Ok(out)
}

#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::{Mailer, lettre_url};
    use crate::config::Settings;

    #[tokio::test]
    async fn the_mailer_keeps_as_many_connections_as_configured() {
        let mailer = |connections: &'static str| {
            let settings = Settings::from_lookup(|key| match key {
                "SMTP_URL" => Some("smtp://127.0.0.1:1025?tls=none".to_owned()),
                "MAIL_CONNECTIONS" => Some(connections.to_owned()),
                _ => None,
            })
            .expect("settings");
            Mailer::from_settings(&settings.mail)
                .expect("a mailer")
                .expect("SMTP_URL is set")
        };
        assert_eq!(mailer("3").connections(), 3);
        assert_eq!(mailer("").connections(), 8);
    }

    #[test]
    fn smtp_means_starttls_unless_told_otherwise() {
        assert_eq!(
            lettre_url("smtp://u:p@mail.example.org:587").unwrap(),
            "smtp://u:p@mail.example.org:587?tls=required"
        );
        assert_eq!(
            lettre_url("smtp://127.0.0.1:1025?tls=none").unwrap(),
            "smtp://127.0.0.1:1025"
        );
        assert_eq!(
            lettre_url("smtps://u:p@mail.example.org").unwrap(),
            "smtps://u:p@mail.example.org"
        );
        assert!(lettre_url("http://mail.example.org").is_err());
        assert!(lettre_url("smtp://h?tls=maybe").is_err());
    }
}
