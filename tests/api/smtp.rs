//! A fake SMTP server the tests point the app at: it speaks enough of
//! RFC 5321 for lettre's client (plain text, no STARTTLS, no AUTH),
//! records every message it accepts, and can be told to refuse
//! transactions, so the retry paths can be driven.
//!
//! ```ignore
//! let sink = SmtpSink::start().await;
//! let app = spawn_app_with(&[(/* the SMTP URL setting */, &sink.url())]).await;
//! // ... act ...
//! let received = sink.wait_for(1, Duration::from_secs(5)).await;
//! assert_eq!(received[0].subject().as_deref(), Some("Welcome"));
//! ```
// Not every helper is used by the other test modules yet.
#![allow(dead_code)]

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use mailparse::{DispositionType, MailHeaderMap, ParsedMail};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

/// The name the sink gives itself in its greeting and EHLO reply.
const DOMAIN: &str = "smtp-sink.test";

/// A running fake SMTP server on 127.0.0.1; shuts down (and drops every
/// open connection) when dropped.
pub struct SmtpSink {
    port: u16,
    state: Arc<State>,
    accept: JoinHandle<()>,
}

/// One message the sink accepted: the envelope and the raw message text
/// (dot-stuffing undone, CRLF line endings as sent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

struct State {
    inner: Mutex<Inner>,
    /// The number of messages recorded so far, for `wait_for`.
    count: watch::Sender<usize>,
}

#[derive(Default)]
struct Inner {
    messages: Vec<Received>,
    refuse: Option<(u16, String)>,
    attempts: usize,
}

impl State {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking connection task must not take the whole sink down.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SmtpSink {
    /// Binds 127.0.0.1 on a free port and starts accepting connections.
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the SMTP sink");
        let port = listener.local_addr().expect("the sink's address").port();
        let state = Arc::new(State {
            inner: Mutex::new(Inner::default()),
            count: watch::Sender::new(0),
        });
        let accept = tokio::spawn(accept_loop(listener, state.clone()));
        SmtpSink {
            port,
            state,
            accept,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL to configure the app with: plain SMTP, no TLS.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    /// Every message accepted so far, in arrival order.
    pub fn messages(&self) -> Vec<Received> {
        self.state.lock().messages.clone()
    }

    /// The number of transactions started (`MAIL FROM` commands received),
    /// refused ones included.
    pub fn attempts(&self) -> usize {
        self.state.lock().attempts
    }

    /// While `Some((code, text))`, every `MAIL FROM` is answered with that
    /// reply (e.g. 451 for a temporary failure, 550 for a permanent one)
    /// and nothing is recorded; `None` goes back to accepting.
    pub fn refuse(&self, reply: Option<(u16, &str)>) {
        if let Some((code, _)) = reply {
            assert!(
                (400..600).contains(&code),
                "refuse with a 4xx or 5xx code, not {code}"
            );
        }
        self.state.lock().refuse = reply.map(|(code, text)| (code, text.to_string()));
    }

    /// Waits until at least `n` messages have arrived and returns them all;
    /// panics, listing what did arrive, if they have not within `timeout`.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let mut count = self.state.count.subscribe();
        let arrived = tokio::time::timeout(timeout, count.wait_for(|&c| c >= n)).await;
        let messages = self.messages();
        if arrived.is_err() {
            panic!(
                "expected at least {n} message(s) within {timeout:?}, got {}{}",
                messages.len(),
                summary(&messages)
            );
        }
        messages
    }

    /// Asserts that no new message arrives within `for_`.
    pub async fn expect_quiet(&self, for_: Duration) {
        let before = self.messages().len();
        tokio::time::sleep(for_).await;
        let messages = self.messages();
        if messages.len() > before {
            panic!(
                "expected no message within {for_:?}, got {}{}",
                messages.len() - before,
                summary(&messages[before..])
            );
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        // Dropping the accept task's JoinSet aborts every connection too.
        self.accept.abort();
    }
}

fn summary(messages: &[Received]) -> String {
    messages
        .iter()
        .map(|m| format!("\n  - {m}"))
        .collect::<String>()
}

impl fmt::Display for Received {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "from <{}> to {:?}, subject {:?}",
            self.from,
            self.to,
            self.subject().unwrap_or_default()
        )
    }
}

impl Received {
    fn parsed(&self) -> ParsedMail<'_> {
        mailparse::parse_mail(self.data.as_bytes()).unwrap_or_else(|e| {
            panic!(
                "the sink received an unparsable message ({e}):\n{}",
                self.data
            )
        })
    }

    /// The first header of that name (case-insensitive), unfolded and with
    /// RFC 2047 encoded words decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        self.parsed().get_headers().get_first_value(name)
    }

    pub fn subject(&self) -> Option<String> {
        self.header("Subject")
    }

    /// The text/plain part, transfer encoding and charset decoded, with
    /// line endings as `\n`. Panics if the message has none.
    pub fn text_body(&self) -> String {
        self.body("text/plain")
            .unwrap_or_else(|| panic!("no text/plain part in the message:\n{}", self.data))
    }

    /// The text/html part, decoded like `text_body`.
    pub fn html_body(&self) -> Option<String> {
        self.body("text/html")
    }

    fn body(&self, mimetype: &str) -> Option<String> {
        let parsed = self.parsed();
        let part = find_part(&parsed, mimetype)?;
        let body = part
            .get_body()
            .unwrap_or_else(|e| panic!("undecodable {mimetype} part ({e}):\n{}", self.data));
        Some(body.replace("\r\n", "\n"))
    }
}

/// The first inline, non-multipart part of that type, depth first.
fn find_part<'a>(part: &'a ParsedMail<'a>, mimetype: &str) -> Option<&'a ParsedMail<'a>> {
    if part.subparts.is_empty() {
        let inline = part.get_content_disposition().disposition != DispositionType::Attachment;
        return (inline && part.ctype.mimetype.eq_ignore_ascii_case(mimetype)).then_some(part);
    }
    part.subparts.iter().find_map(|p| find_part(p, mimetype))
}

async fn accept_loop(listener: TcpListener, state: Arc<State>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve(stream, state.clone()));
                }
                Err(e) => eprintln!("SMTP sink: accept failed: {e}"),
            },
            // Reap finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// The transaction in progress on one connection.
#[derive(Default)]
struct Transaction {
    from: Option<String>,
    to: Vec<String>,
}

/// Serves one connection until QUIT, EOF or an I/O error.
async fn serve(stream: TcpStream, state: Arc<State>) {
    if let Err(e) = session(stream, &state).await {
        // Clients may just hang up (lettre's pool does); nothing to report.
        if e.kind() != std::io::ErrorKind::UnexpectedEof {
            eprintln!("SMTP sink: connection ended: {e}");
        }
    }
}

async fn session(stream: TcpStream, state: &State) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut line = Vec::new();
    let mut tx = Transaction::default();

    reply(&mut write, &format!("220 {DOMAIN} ESMTP ready")).await?;
    loop {
        if !read_line(&mut read, &mut line).await? {
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line);
        let command = command.trim_end_matches(['\r', '\n']);
        let (verb, arg) = match command.split_once(' ') {
            Some((verb, arg)) => (verb.to_ascii_uppercase(), arg.trim()),
            None => (command.to_ascii_uppercase(), ""),
        };
        match verb.as_str() {
            "EHLO" => {
                tx = Transaction::default();
                let client = if arg.is_empty() { "client" } else { arg };
                let greeting = format!(
                    "250-{DOMAIN} greets {client}\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 PIPELINING"
                );
                reply(&mut write, &greeting).await?;
            }
            "HELO" => {
                tx = Transaction::default();
                reply(&mut write, &format!("250 {DOMAIN}")).await?;
            }
            "MAIL" => {
                let Some(from) = path(arg, "FROM:") else {
                    reply(&mut write, "501 5.5.4 Syntax: MAIL FROM:<address>").await?;
                    continue;
                };
                if tx.from.is_some() {
                    reply(&mut write, "503 5.5.1 Nested MAIL command").await?;
                    continue;
                }
                let refusal = {
                    let mut inner = state.lock();
                    inner.attempts += 1;
                    inner.refuse.clone()
                };
                match refusal {
                    Some((code, text)) => reply(&mut write, &format!("{code} {text}")).await?,
                    None => {
                        tx.from = Some(from);
                        reply(&mut write, "250 2.1.0 OK").await?;
                    }
                }
            }
            "RCPT" => {
                let Some(to) = path(arg, "TO:") else {
                    reply(&mut write, "501 5.5.4 Syntax: RCPT TO:<address>").await?;
                    continue;
                };
                if tx.from.is_none() {
                    reply(&mut write, "503 5.5.1 Need MAIL before RCPT").await?;
                    continue;
                }
                tx.to.push(to);
                reply(&mut write, "250 2.1.5 OK").await?;
            }
            "DATA" => {
                if tx.to.is_empty() {
                    reply(&mut write, "503 5.5.1 Need RCPT before DATA").await?;
                    continue;
                }
                reply(&mut write, "354 End data with <CR><LF>.<CR><LF>").await?;
                let data = read_data(&mut read, &mut line).await?;
                let tx = std::mem::take(&mut tx);
                let received = Received {
                    from: tx.from.unwrap_or_default(),
                    to: tx.to,
                    data,
                };
                let queued = {
                    let mut inner = state.lock();
                    inner.messages.push(received);
                    inner.messages.len()
                };
                state.count.send_replace(queued);
                reply(&mut write, &format!("250 2.0.0 OK queued as {queued}")).await?;
            }
            "RSET" => {
                tx = Transaction::default();
                reply(&mut write, "250 2.0.0 OK").await?;
            }
            "NOOP" => reply(&mut write, "250 2.0.0 OK").await?,
            "QUIT" => {
                reply(&mut write, "221 2.0.0 Bye").await?;
                return write.shutdown().await;
            }
            "" => reply(&mut write, "500 5.5.2 Empty command").await?,
            _ => reply(&mut write, "502 5.5.2 Command not recognized").await?,
        }
    }
}

/// The address in `FROM:<a@b> PARAMS` / `TO:<a@b>`; `<>` gives "".
fn path(arg: &str, keyword: &str) -> Option<String> {
    let head = arg.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = arg[keyword.len()..].trim_start();
    let rest = rest.strip_prefix('<')?;
    let end = rest.find('>')?;
    Some(rest[..end].to_string())
}

/// Reads one line (with its ending) into `line`; false at EOF.
async fn read_line(
    read: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    line: &mut Vec<u8>,
) -> std::io::Result<bool> {
    line.clear();
    Ok(read.read_until(b'\n', line).await? > 0)
}

/// Reads the message after DATA up to the lone `.` line, undoing
/// dot-stuffing.
async fn read_data(
    read: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    line: &mut Vec<u8>,
) -> std::io::Result<String> {
    let mut data = Vec::new();
    loop {
        if !read_line(read, line).await? {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if line.as_slice() == b".\r\n" || line.as_slice() == b".\n" {
            return Ok(String::from_utf8_lossy(&data).into_owned());
        }
        let unstuffed = line.strip_prefix(b".").unwrap_or(line);
        data.extend_from_slice(unstuffed);
    }
}

async fn reply(write: &mut tokio::net::tcp::OwnedWriteHalf, text: &str) -> std::io::Result<()> {
    write.write_all(format!("{text}\r\n").as_bytes()).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use lettre::message::{Mailbox, MultiPart};
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    use tokio::io::AsyncReadExt;

    const WAIT: Duration = Duration::from_secs(5);

    fn transport(sink: &SmtpSink) -> AsyncSmtpTransport<Tokio1Executor> {
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
            .port(sink.port())
            .timeout(Some(WAIT))
            .build()
    }

    fn message(to: &str, subject: &str, text: &str, html: &str) -> Message {
        Message::builder()
            .from(
                "Mentorship <noreply@example.org>"
                    .parse::<Mailbox>()
                    .unwrap(),
            )
            .to(to.parse::<Mailbox>().unwrap())
            .subject(subject)
            .multipart(MultiPart::alternative_plain_html(
                text.to_string(),
                html.to_string(),
            ))
            .unwrap()
    }

    #[tokio::test]
    async fn a_message_arrives_decoded() {
        let sink = SmtpSink::start().await;
        assert_eq!(
            sink.url(),
            format!("smtp://127.0.0.1:{}?tls=none", sink.port())
        );
        // lettre sends this text part quoted-printable (soft line breaks
        // included), the html part base64 and the subject as an encoded word.
        let long_line = "word ".repeat(40);
        let text = format!("Café — ½\n.a line starting with a dot\n{long_line}\nbye");
        let html = "<p>Café — ½</p>";

        transport(&sink)
            .send(message(
                "Ana Pérez <ana@example.org>",
                "Café — ½",
                &text,
                html,
            ))
            .await
            .expect("the sink accepts the message");

        let received = sink.wait_for(1, WAIT).await;
        assert_eq!(received.len(), 1);
        let m = &received[0];
        assert_eq!(m.from, "noreply@example.org");
        assert_eq!(m.to, vec!["ana@example.org".to_string()]);
        assert_eq!(m.subject().as_deref(), Some("Café — ½"));
        assert_eq!(
            m.header("from").as_deref(),
            Some("Mentorship <noreply@example.org>")
        );
        assert_eq!(
            m.header("TO").as_deref(),
            Some("Ana Pérez <ana@example.org>")
        );
        assert_eq!(m.text_body().trim_end(), text);
        assert_eq!(m.html_body().as_deref().map(str::trim_end), Some(html));
        assert_eq!(sink.attempts(), 1);
    }

    #[tokio::test]
    async fn two_messages_over_one_transport_both_arrive() {
        let sink = SmtpSink::start().await;
        let mailer = transport(&sink);
        for n in 1..=2 {
            let m = message(
                "b@example.org",
                &format!("Number {n}"),
                "text",
                "<p>html</p>",
            );
            mailer.send(m).await.expect("sent");
        }
        let subjects: Vec<_> = sink
            .wait_for(2, WAIT)
            .await
            .iter()
            .map(|m| m.subject().unwrap())
            .collect();
        assert_eq!(subjects, ["Number 1", "Number 2"]);
        sink.expect_quiet(Duration::from_millis(100)).await;
    }

    #[tokio::test]
    async fn concurrent_sends_all_arrive() {
        let sink = SmtpSink::start().await;
        let mailer = transport(&sink);
        let sends = (0..6).map(|n| {
            let m = message("c@example.org", &format!("Concurrent {n}"), "t", "<p>h</p>");
            mailer.send(m)
        });
        for sent in futures_util::future::join_all(sends).await {
            sent.expect("sent");
        }
        let mut subjects: Vec<_> = sink
            .wait_for(6, WAIT)
            .await
            .iter()
            .map(|m| m.subject().unwrap())
            .collect();
        subjects.sort();
        let expected: Vec<_> = (0..6).map(|n| format!("Concurrent {n}")).collect();
        assert_eq!(subjects, expected);
    }

    #[tokio::test]
    async fn a_temporary_refusal_fails_the_send_until_lifted() {
        let sink = SmtpSink::start().await;
        let mailer = transport(&sink);
        sink.refuse(Some((451, "try later")));

        let error = mailer
            .send(message("d@example.org", "Refused", "t", "<p>h</p>"))
            .await
            .expect_err("refused");
        assert!(error.is_transient(), "{error:?}");
        assert_eq!(
            error.status().map(|c| c.to_string()).as_deref(),
            Some("451")
        );
        assert!(sink.messages().is_empty());
        assert_eq!(sink.attempts(), 1);

        sink.refuse(None);
        mailer
            .send(message("d@example.org", "Accepted", "t", "<p>h</p>"))
            .await
            .expect("accepted again");
        let received = sink.wait_for(1, WAIT).await;
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].subject().as_deref(), Some("Accepted"));
        assert_eq!(sink.attempts(), 2);
    }

    #[tokio::test]
    async fn a_permanent_refusal_is_a_permanent_error() {
        let sink = SmtpSink::start().await;
        sink.refuse(Some((550, "no such mailbox")));
        let error = transport(&sink)
            .send(message("e@example.org", "Refused", "t", "<p>h</p>"))
            .await
            .expect_err("refused");
        assert!(error.is_permanent(), "{error:?}");
        assert_eq!(
            error.status().map(|c| c.to_string()).as_deref(),
            Some("550")
        );
        assert!(sink.messages().is_empty());
    }

    #[tokio::test]
    #[should_panic(expected = "expected at least 1 message(s)")]
    async fn wait_for_panics_when_nothing_arrives() {
        let sink = SmtpSink::start().await;
        sink.wait_for(1, Duration::from_millis(50)).await;
    }

    /// The raw protocol: no STARTTLS or AUTH, dot-stuffing undone, unknown
    /// commands 502, several transactions on one connection.
    #[tokio::test]
    async fn speaks_the_protocol() {
        let sink = SmtpSink::start().await;
        let stream = TcpStream::connect(("127.0.0.1", sink.port()))
            .await
            .unwrap();
        let (read, mut write) = stream.into_split();
        let mut read = BufReader::new(read);
        async fn replies(read: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> String {
            // Reads one (possibly multi-line) reply.
            let mut all = String::new();
            loop {
                let mut line = String::new();
                read.read_line(&mut line).await.unwrap();
                all.push_str(&line);
                if line.len() < 4 || line.as_bytes()[3] != b'-' {
                    return all;
                }
            }
        }
        async fn send(write: &mut tokio::net::tcp::OwnedWriteHalf, text: &str) {
            write.write_all(text.as_bytes()).await.unwrap();
        }

        assert!(replies(&mut read).await.starts_with("220 "));
        send(&mut write, "EHLO tester\r\n").await;
        let ehlo = replies(&mut read).await;
        assert!(
            ehlo.starts_with("250-") && ehlo.contains("8BITMIME"),
            "{ehlo}"
        );
        assert!(
            !ehlo.contains("STARTTLS") && !ehlo.contains("AUTH"),
            "{ehlo}"
        );
        send(&mut write, "VRFY someone\r\n").await;
        assert!(replies(&mut read).await.starts_with("502 "));
        send(&mut write, "RCPT TO:<x@example.org>\r\n").await;
        assert!(replies(&mut read).await.starts_with("503 "));

        for n in 1..=2 {
            send(&mut write, "mail from:<a@example.org> BODY=8BITMIME\r\n").await;
            assert!(replies(&mut read).await.starts_with("250 "));
            send(&mut write, "RCPT TO:<x@example.org>\r\n").await;
            send(&mut write, "RCPT TO:<y@example.org>\r\n").await;
            assert!(replies(&mut read).await.starts_with("250 "));
            assert!(replies(&mut read).await.starts_with("250 "));
            send(&mut write, "DATA\r\n").await;
            assert!(replies(&mut read).await.starts_with("354 "));
            send(
                &mut write,
                &format!("Subject: raw {n}\r\n\r\n..dotted\r\n.\r\n"),
            )
            .await;
            assert!(replies(&mut read).await.starts_with("250 "));
        }
        send(&mut write, "NOOP\r\n").await;
        assert!(replies(&mut read).await.starts_with("250 "));
        send(&mut write, "RSET\r\n").await;
        assert!(replies(&mut read).await.starts_with("250 "));
        send(&mut write, "QUIT\r\n").await;
        assert!(replies(&mut read).await.starts_with("221 "));
        let mut rest = Vec::new();
        read.read_to_end(&mut rest).await.unwrap();
        assert!(rest.is_empty());

        let received = sink.messages();
        assert_eq!(received.len(), 2);
        assert_eq!(received[1].from, "a@example.org");
        assert_eq!(received[1].to, ["x@example.org", "y@example.org"]);
        assert_eq!(received[1].data, "Subject: raw 2\r\n\r\n.dotted\r\n");
        assert_eq!(received[1].text_body(), ".dotted\n");
        assert_eq!(received[1].html_body(), None);
        assert_eq!(sink.attempts(), 2);
    }

    #[tokio::test]
    async fn dropping_the_sink_closes_its_port() {
        let sink = SmtpSink::start().await;
        let port = sink.port();
        drop(sink);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
    }
}
