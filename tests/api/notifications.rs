//! Email: the outbox and its dispatcher over real SMTP (a sink in the
//! tests), retries, the admins' view, password resets, reminders once,
//! templates, settings and unsubscribe.
use std::time::Duration;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{EntityTrait, PaginatorTrait, TransactionTrait};
use serde_json::{Value, json};
use uuid::Uuid;
use wla_mentorship::domain::member::{MembershipStatus, Role};
use wla_mentorship::domain::notification::MAX_ATTEMPTS;
use wla_mentorship::service::notify as service;
use wla_mentorship::store::entities::{cycle, notification, password_reset};
use wla_mentorship::store::{members, notifications};

use crate::helpers::*;
use crate::smtp::SmtpSink;

const BASE: &str = "https://wla.example.org";
const WAIT: Duration = Duration::from_secs(10);

/// An app that sends through `sink`, retrying fast.
async fn app_with_mail(sink: &SmtpSink) -> TestApp {
    spawn_app_with(&[
        ("SMTP_URL", sink.url().as_str()),
        ("MAIL_FROM", "WLA Mentorship <mentorship@wla.example.org>"),
        ("PUBLIC_BASE_URL", BASE),
        ("MAIL_RETRY_BASE_MS", "20"),
    ])
    .await
}

async fn json_of(res: reqwest::Response, status: u16) -> Value {
    let actual = res.status().as_u16();
    let body: Value = res.json().await.expect("json body");
    assert_eq!(actual, status, "{body}");
    body
}

/// A member the committee added, with an email of its own.
async fn roster_member(app: &TestApp, committee: &TestUser, name: &str) -> Value {
    let email = format!("{}@example.org", Uuid::new_v4().simple());
    json_of(
        app.post(
            "/api/v1/members",
            Some(&committee.token),
            &json!({"email": email, "full_name": name}),
        )
        .await,
        201,
    )
    .await
}

async fn invite(app: &TestApp, committee: &TestUser, member_id: &str) -> Value {
    json_of(
        app.post(
            &format!("/api/v1/members/{member_id}/invite"),
            Some(&committee.token),
            &json!({}),
        )
        .await,
        201,
    )
    .await
}

/// The outbox as an admin lists it, filtered by `query`.
async fn outbox(app: &TestApp, admin: &TestUser, query: &str) -> Vec<Value> {
    let page = json_of(
        app.get(
            &format!("/api/v1/notifications?{query}"),
            Some(&admin.token),
        )
        .await,
        200,
    )
    .await;
    page["items"].as_array().expect("items").clone()
}

/// Waits until the outbox holds a message matching `query` in `status`.
async fn wait_for_status(app: &TestApp, admin: &TestUser, query: &str) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(first) = outbox(app, admin, query).await.into_iter().next() {
            return first;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no message matching {query} in time"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_invitation_arrives_once_with_the_link_to_accept_it() {
    // Arrange
    let sink = SmtpSink::start().await;
    let app = app_with_mail(&sink).await;
    let committee = app.committee().await;
    let member = roster_member(&app, &committee, "Grace Hopper").await;

    // Act
    let invitation = invite(&app, &committee, member["id"].as_str().unwrap()).await;

    // Assert
    let received = sink.wait_for(1, WAIT).await;
    let mail = &received[0];
    assert_eq!(mail.to, vec![member["email"].as_str().unwrap().to_owned()]);
    let token = invitation["token"].as_str().unwrap();
    let link = format!("{BASE}/accept-invite?token={token}");
    assert!(mail.text_body().contains(&link), "{}", mail.text_body());
    assert!(mail.text_body().contains("Grace Hopper"));
    assert!(
        mail.header("Message-ID")
            .is_some_and(|id| id.ends_with("@wla.example.org>"))
    );
    sink.expect_quiet(Duration::from_millis(600)).await;
    // Once sent, the outbox keeps no working link.
    let admin = app.admin().await;
    let sent = wait_for_status(&app, &admin, "status=sent&event=invitation").await;
    let detail = json_of(
        app.get(
            &format!("/api/v1/notifications/{}", sent["id"].as_str().unwrap()),
            Some(&admin.token),
        )
        .await,
        200,
    )
    .await;
    assert!(!detail["message"]["text"].as_str().unwrap().contains(token));
    assert_eq!(detail["subject"], json!(mail.subject()));
}

#[tokio::test]
async fn a_refusing_server_means_retries_then_failed_and_an_admins_retry_delivers() {
    // Arrange
    let sink = SmtpSink::start().await;
    sink.refuse(Some((451, "try again later")));
    let app = app_with_mail(&sink).await;
    let committee = app.committee().await;
    let admin = app.admin().await;
    let member = roster_member(&app, &committee, "Ada Lovelace").await;

    // Act: every attempt is refused, then the admin retries.
    invite(&app, &committee, member["id"].as_str().unwrap()).await;
    let failed = wait_for_status(&app, &admin, "status=failed").await;
    // Counted before the retry: the worker may deliver it at once.
    let attempts_when_failed = sink.attempts();
    sink.refuse(None);
    let retried = app
        .post(
            &format!(
                "/api/v1/notifications/{}/retry",
                failed["id"].as_str().unwrap()
            ),
            Some(&admin.token),
            &json!({}),
        )
        .await;

    // Assert
    assert_eq!(failed["attempts"], MAX_ATTEMPTS);
    assert!(
        failed["last_error"].as_str().unwrap().contains("451"),
        "{failed}"
    );
    assert_eq!(attempts_when_failed, MAX_ATTEMPTS as usize);
    let retried = json_of(retried, 200).await;
    assert_eq!(retried["status"], "pending");
    assert_eq!(sink.wait_for(1, WAIT).await.len(), 1);
    wait_for_status(&app, &admin, "status=sent").await;
    let stats = json_of(
        app.get("/api/v1/notifications/stats", Some(&admin.token))
            .await,
        200,
    )
    .await;
    assert_eq!(stats, json!({"pending": 0, "sent": 1, "failed": 0}));
    // Only a failed message may be retried.
    let again = app
        .post(
            &format!(
                "/api/v1/notifications/{}/retry",
                failed["id"].as_str().unwrap()
            ),
            Some(&admin.token),
            &json!({}),
        )
        .await;
    assert_problem(again, 409).await;
}

#[tokio::test]
async fn without_smtp_messages_wait_in_the_outbox_for_admins() {
    // Arrange: no SMTP_URL.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let admin = app.admin().await;
    let member = roster_member(&app, &committee, "Ada Lovelace").await;

    // Act
    invite(&app, &committee, member["id"].as_str().unwrap()).await;

    // Assert
    let pending = outbox(&app, &admin, "status=pending").await;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["event"], "invitation");
    assert_eq!(pending[0]["recipient_id"], member["id"]);
    let detail = json_of(
        app.get(
            &format!(
                "/api/v1/notifications/{}",
                pending[0]["id"].as_str().unwrap()
            ),
            Some(&admin.token),
        )
        .await,
        200,
    )
    .await;
    assert!(
        detail["message"]["text"]
            .as_str()
            .unwrap()
            .contains("/accept-invite?token=wla_inv_")
    );
}

#[tokio::test]
async fn members_and_the_committee_cannot_read_or_retry_the_outbox_or_templates() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let roster = roster_member(&app, &committee, "Ada Lovelace").await;
    invite(&app, &committee, roster["id"].as_str().unwrap()).await;
    let admin = app.admin().await;
    let id = outbox(&app, &admin, "").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    for user in [&member, &committee] {
        for path in [
            "/api/v1/notifications".to_owned(),
            "/api/v1/notifications/stats".to_owned(),
            format!("/api/v1/notifications/{id}"),
            "/api/v1/notification-templates".to_owned(),
            "/api/v1/notification-templates/invitation".to_owned(),
        ] {
            assert_problem(app.get(&path, Some(&user.token)).await, 403).await;
        }
        let retry = app
            .post(
                &format!("/api/v1/notifications/{id}/retry"),
                Some(&user.token),
                &json!({}),
            )
            .await;
        assert_problem(retry, 403).await;
        let put = app
            .request(
                reqwest::Method::PUT,
                "/api/v1/notification-templates/invitation",
                Some(&user.token),
            )
            .json(&json!({"subject": "x", "text": "x", "html": "x"}))
            .send()
            .await
            .unwrap();
        assert_problem(put, 403).await;
    }
}

#[tokio::test]
async fn a_change_that_rolls_back_queues_nothing() {
    // Arrange
    let app = spawn_app().await;
    let member = members::find(&app.db, app.member().await.id)
        .await
        .unwrap()
        .unwrap();

    // Act: a message queued in a transaction that then rolls back.
    let txn = app.db.begin().await.unwrap();
    let queued = service::invitation(&txn, &member, Uuid::new_v4(), "wla_inv_x", Utc::now())
        .await
        .unwrap();
    txn.rollback().await.unwrap();

    // Assert
    assert!(queued);
    let count = notification::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn the_same_event_queues_once() {
    let app = spawn_app().await;
    let member = members::find(&app.db, app.member().await.id)
        .await
        .unwrap()
        .unwrap();
    let invitation = Uuid::new_v4();

    let first = service::invitation(&app.db, &member, invitation, "wla_inv_a", Utc::now())
        .await
        .unwrap();
    let second = service::invitation(&app.db, &member, invitation, "wla_inv_b", Utc::now())
        .await
        .unwrap();

    assert!(first);
    assert!(!second);
    let count = notification::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn two_dispatchers_claiming_together_never_take_the_same_message() {
    // Arrange: 40 messages waiting.
    let app = spawn_app().await;
    let member = members::find(&app.db, app.member().await.id)
        .await
        .unwrap()
        .unwrap();
    for _ in 0..40 {
        service::invitation(&app.db, &member, Uuid::new_v4(), "wla_inv_x", Utc::now())
            .await
            .unwrap();
    }
    let other = wla_mentorship::store::connect(&app.database_url)
        .await
        .unwrap();

    // Act: two connections claim batches at the same time, repeatedly.
    let lease = chrono::Duration::seconds(60);
    let claim = |db: wla_mentorship::store::Db| async move {
        let mut mine = Vec::new();
        loop {
            let batch = notifications::claim_due(&db, Utc::now(), lease, 7)
                .await
                .expect("claim");
            if batch.is_empty() {
                return mine;
            }
            mine.extend(batch.into_iter().map(|n| n.id));
        }
    };
    let (a, b) = tokio::join!(claim(app.db.clone()), claim(other));

    // Assert: every message claimed once, by one of them.
    let mut all: Vec<Uuid> = a.iter().chain(&b).copied().collect();
    assert_eq!(all.len(), 40, "a {} + b {}", a.len(), b.len());
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 40, "a message was claimed twice");
}

#[tokio::test]
async fn two_instances_sending_from_one_outbox_deliver_each_message_once() {
    // Arrange: two instances on one database, one sink.
    let sink = SmtpSink::start().await;
    let app = app_with_mail(&sink).await;
    start_instance(
        &app,
        &[
            ("SMTP_URL", sink.url().as_str()),
            ("MAIL_FROM", "WLA Mentorship <mentorship@wla.example.org>"),
        ],
    )
    .await;
    let member = members::find(&app.db, app.member().await.id)
        .await
        .unwrap()
        .unwrap();

    // Act: 30 messages queued at once.
    let txn = app.db.begin().await.unwrap();
    for _ in 0..30 {
        service::invitation(&txn, &member, Uuid::new_v4(), "wla_inv_x", Utc::now())
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();

    // Assert: 30 arrive, each once.
    let received = sink.wait_for(30, Duration::from_secs(20)).await;
    sink.expect_quiet(Duration::from_millis(1500)).await;
    let mut ids: Vec<String> = received
        .iter()
        .map(|m| m.header("Message-ID").expect("Message-ID"))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 30);
}

#[tokio::test]
async fn a_reset_link_works_once_and_signs_out_every_session() {
    // Arrange
    let sink = SmtpSink::start().await;
    let app = app_with_mail(&sink).await;
    let member = app.member().await;

    // Act
    let asked = app
        .post(
            "/api/v1/auth/forgot-password",
            None,
            &json!({"email": member.email}),
        )
        .await;
    let mail = sink.wait_for(1, WAIT).await.remove(0);
    let text = mail.text_body();
    let token = text
        .split("token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a reset link")
        .to_owned();
    let reset = |password: &'static str| {
        let token = token.clone();
        let app = &app;
        async move {
            app.post(
                "/api/v1/auth/reset-password",
                None,
                &json!({"token": token, "password": password}),
            )
            .await
        }
    };
    let first = reset("a brand new password").await;
    let second = reset("yet another password").await;

    // Assert
    assert_eq!(asked.status(), 202);
    assert!(text.contains(&format!("{BASE}/reset-password?token=wla_rst_")));
    assert_eq!(first.status(), 204);
    assert_problem(second, 401).await;
    assert_problem(app.get("/api/v1/me", Some(&member.token)).await, 401).await;
    let refreshed = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": member.refresh_token}),
        )
        .await;
    assert_problem(refreshed, 401).await;
    assert_eq!(
        app.login(&member.email, "a brand new password")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn an_expired_reset_link_is_refused_and_an_unknown_email_gets_nothing() {
    // Arrange
    let sink = SmtpSink::start().await;
    let app = app_with_mail(&sink).await;
    let member = app.member().await;

    // Act
    let unknown = app
        .post(
            "/api/v1/auth/forgot-password",
            None,
            &json!({"email": "nobody@example.org"}),
        )
        .await;
    app.post(
        "/api/v1/auth/forgot-password",
        None,
        &json!({"email": member.email}),
    )
    .await;
    let mail = sink.wait_for(1, WAIT).await.remove(0);
    let token = mail
        .text_body()
        .split("token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a reset link")
        .to_owned();
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::ExpiresAt, Expr::value(Utc::now()))
        .exec(&app.db)
        .await
        .unwrap();
    let res = app
        .post(
            "/api/v1/auth/reset-password",
            None,
            &json!({"token": token, "password": "a brand new password"}),
        )
        .await;

    // Assert
    assert_eq!(unknown.status(), 202);
    assert_eq!(mail.to, vec![member.email.clone()]);
    sink.expect_quiet(Duration::from_millis(300)).await;
    assert_problem(res, 401).await;
}

/// A member with a password, created in the database.
async fn named_member(app: &TestApp, name: &str) -> members::Member {
    members::create(
        &app.db,
        members::NewMember {
            email: format!("{}@example.org", Uuid::new_v4().simple()),
            password_hash: None,
            full_name: name.to_owned(),
            pronouns: Some("they/them".into()),
            role: Role::Member,
            wla_member_id: None,
            membership_status: MembershipStatus::Active,
            membership_expires_on: None,
        },
    )
    .await
    .expect("member")
}

#[tokio::test]
async fn a_published_match_tells_both_people_about_each_other_and_nothing_private() {
    // Arrange: an accepted mentor and mentee with private answers.
    let sink = SmtpSink::start().await;
    let app = app_with_mail(&sink).await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let mentor = named_member(&app, "Maria Mentor").await;
    let mentee = named_member(&app, "Ezra Mentee").await;
    let private = json!({"identity_tags": ["secret-tag"], "identity_consent": true});
    let mut ids = Vec::new();
    for (who, body) in [(&mentor, mentor_body()), (&mentee, mentee_body())] {
        let body = overlay(overlay(body, private.clone()), json!({"member_id": who.id}));
        let created = app.applied(&committee, &cycle_id, &body).await;
        let id = created["id"].as_str().unwrap().to_owned();
        app.accept_application(&committee, &id).await;
        ids.push(id);
    }
    app.transition(&committee, &cycle_id, "matching").await;
    let proposed = json_of(
        app.post(
            &format!("/api/v1/cycles/{cycle_id}/matches"),
            Some(&committee.token),
            &json!({"mentor_application_id": ids[0], "mentee_application_id": ids[1]}),
        )
        .await,
        201,
    )
    .await;
    let match_id = proposed["id"].as_str().unwrap();
    json_of(
        app.post(
            &format!("/api/v1/matches/{match_id}/approve"),
            Some(&committee.token),
            &json!({}),
        )
        .await,
        200,
    )
    .await;

    // Act
    json_of(
        app.post(
            &format!("/api/v1/cycles/{cycle_id}/matches/publish"),
            Some(&committee.token),
            &json!({}),
        )
        .await,
        200,
    )
    .await;

    // Assert: each got "received", "accepted" and "published".
    let all = sink.wait_for(6, WAIT).await;
    for (me, partner) in [(&mentor, &mentee), (&mentee, &mentor)] {
        let mine: Vec<_> = all
            .iter()
            .filter(|m| m.to == vec![me.email.clone()])
            .collect();
        let subjects: Vec<_> = mine.iter().map(|m| m.subject()).collect();
        assert_eq!(mine.len(), 3, "{subjects:?}");
        let published = mine
            .iter()
            .find(|m| m.text_body().contains(&partner.email))
            .expect("the published message names the partner");
        let text = published.text_body();
        assert!(text.contains(&partner.full_name), "{text}");
        assert!(
            text.contains(&format!("{BASE}/matches/{match_id}")),
            "{text}"
        );
        for m in &mine {
            let body = format!("{}{}", m.text_body(), m.html_body().unwrap_or_default());
            assert!(!body.contains("secret-tag"), "identity leaked: {body}");
        }
    }
    sink.expect_quiet(Duration::from_millis(300)).await;
}

/// Moves every cycle's application deadline to `from_now` from now.
async fn closes_in(app: &TestApp, from_now: chrono::Duration) {
    cycle::Entity::update_many()
        .col_expr(
            cycle::Column::ApplicationsCloseAt,
            Expr::value(Utc::now() + from_now),
        )
        .exec(&app.db)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_closing_reminder_goes_once_and_not_to_who_opted_out_or_applied() {
    // Arrange: an open cycle closing in two days; three members.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    closes_in(&app, chrono::Duration::days(2)).await;
    let waiting = app.member().await;
    let opted_out = app.member().await;
    let applied = app.member().await;
    app.applied(&applied, &cycle_id, &mentee_body()).await;
    let off = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/me/notification-settings",
            Some(&opted_out.token),
        )
        .json(&json!({"reminders": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(off, 200).await, json!({"reminders": false}));

    // Act: the schedule runs twice (two instances, or a restart).
    let first = service::queue_reminders(&app.db, Utc::now()).await.unwrap();
    let second = service::queue_reminders(&app.db, Utc::now()).await.unwrap();

    // Assert
    let admin = app.admin().await;
    let reminders = outbox(&app, &admin, "event=applications_closing").await;
    let to: Vec<&str> = reminders
        .iter()
        .map(|r| r["recipient_id"].as_str().unwrap())
        .collect();
    assert!(to.contains(&waiting.id.to_string().as_str()), "{to:?}");
    assert!(!to.contains(&opted_out.id.to_string().as_str()));
    assert!(!to.contains(&applied.id.to_string().as_str()));
    assert_eq!(first as usize, reminders.len());
    assert_eq!(second, 0);
}

#[tokio::test]
async fn a_reminder_carries_one_click_unsubscribe_that_works_without_signing_in() {
    // Arrange
    let sink = SmtpSink::start().await;
    let app = app_with_mail(&sink).await;
    let committee = app.committee().await;
    app.open_cycle(&committee).await;
    closes_in(&app, chrono::Duration::days(1)).await;
    let member = app.member().await;
    let queued = service::queue_reminders(&app.db, Utc::now()).await.unwrap();

    // Act
    let mail = sink
        .wait_for(queued as usize, WAIT)
        .await
        .into_iter()
        .find(|m| m.to == vec![member.email.clone()])
        .expect("a reminder for the member");
    let header = mail.header("List-Unsubscribe").expect("List-Unsubscribe");
    let url = header.trim_matches(|c| c == '<' || c == '>');
    let path = url.strip_prefix(BASE).expect("on the public base URL");
    let with_access_token = app
        .post(
            &format!("/api/v1/unsubscribe?token={}", member.token),
            None,
            &json!({}),
        )
        .await;
    let one_click = app.post(path, None, &json!({})).await;

    // Assert
    assert_eq!(
        mail.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(
        mail.text_body()
            .contains(&format!("{BASE}/unsubscribe?token="))
    );
    assert_problem(with_access_token, 401).await;
    assert_eq!(one_click.status(), 204);
    let settings = json_of(
        app.get("/api/v1/me/notification-settings", Some(&member.token))
            .await,
        200,
    )
    .await;
    assert_eq!(settings, json!({"reminders": false}));
}

#[tokio::test]
async fn an_admin_replaces_previews_and_resets_a_template() {
    // Arrange
    let sink = SmtpSink::start().await;
    let app = app_with_mail(&sink).await;
    let admin = app.admin().await;
    let committee = app.committee().await;
    let path = "/api/v1/notification-templates/invitation";
    let put = |body: Value| {
        let app = &app;
        let token = admin.token.clone();
        async move {
            app.request(reqwest::Method::PUT, path, Some(&token))
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };

    // Act
    let typo = put(json!({
        "subject": "Hi {{ recipient_nam }}", "text": "Join: {{ accept_url }}", "html": "<p>{{ accept_url }}</p>"
    }))
    .await;
    let saved = put(json!({
        "subject": "Welcome, {{ recipient_name }}",
        "text": "Set your password: {{ accept_url }}",
        "html": "<p><a href=\"{{ accept_url }}\">Set your password</a></p>"
    }))
    .await;
    let preview = app
        .post(&format!("{path}/preview"), Some(&admin.token), &json!(null))
        .await;
    let member = roster_member(&app, &committee, "Grace Hopper").await;
    invite(&app, &committee, member["id"].as_str().unwrap()).await;
    let mail = sink.wait_for(1, WAIT).await.remove(0);
    let reset = app.delete(path, Some(&admin.token)).await;
    let reset_again = app.delete(path, Some(&admin.token)).await;
    let after = json_of(app.get(path, Some(&admin.token)).await, 200).await;

    // Assert
    let problem = assert_problem(typo, 422).await;
    assert_eq!(problem_fields(&problem), ["subject"]);
    let saved = json_of(saved, 200).await;
    assert_eq!(saved["overridden"], true);
    assert!(
        saved["variables"]
            .as_array()
            .unwrap()
            .contains(&json!("accept_url"))
    );
    let preview = json_of(preview, 200).await;
    assert!(
        preview["subject"]
            .as_str()
            .unwrap()
            .starts_with("Welcome, ")
    );
    assert_eq!(mail.subject().as_deref(), Some("Welcome, Grace Hopper"));
    assert!(
        mail.text_body()
            .starts_with("Set your password: https://wla.example.org/accept-invite?token=")
    );
    assert_eq!(reset.status(), 204);
    assert_problem(reset_again, 404).await;
    assert_eq!(after["overridden"], false);
}
