use serde_json::json;

use super::*;
use crate::domain::notification::Event;

fn rendered(event: Event) -> Rendered {
    render(&default_source(event), &sample_context(event)).unwrap()
}

fn with_html(event: Event, html: &str) -> Source {
    Source {
        html: html.into(),
        ..default_source(event)
    }
}

fn problem_fields(result: Result<(), Vec<TemplateProblem>>) -> Vec<(&'static str, &'static str)> {
    result
        .unwrap_err()
        .into_iter()
        .map(|p| (p.field, p.code))
        .collect()
}

#[test]
fn every_default_renders_with_its_sample_and_passes_its_own_check() {
    for event in Event::ALL {
        let out = rendered(event);
        assert!(out.subject.len() > 10, "{event:?}: {}", out.subject);
        assert!(out.text.contains("Ada Lovelace"), "{event:?}");
        assert!(out.html.contains("Ada Lovelace"), "{event:?}");
        assert!(
            !out.text.contains("{{") && !out.html.contains("{#"),
            "{event:?}"
        );
        assert_eq!(check(&default_source(event), event), Ok(()), "{event:?}");
    }
}

#[test]
fn every_default_html_is_a_whole_accessible_document() {
    for event in Event::ALL {
        let html = rendered(event).html;
        assert!(html.starts_with("<!DOCTYPE html>"), "{event:?}");
        assert!(html.contains(r#"<html lang="en">"#), "{event:?}");
        assert!(html.contains("<h1"), "{event:?}");
        assert!(
            !html.contains("<img") && !html.contains("<script"),
            "{event:?}"
        );
    }
}

#[test]
fn html_escapes_a_script_in_a_name_and_text_does_not() {
    let event = Event::Invitation;
    let mut ctx = sample_context(event);
    ctx["recipient_name"] = json!("<script>alert('x')</script>");

    let out = render(&default_source(event), &ctx).unwrap();

    assert!(
        out.html
            .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
    );
    assert!(!out.html.contains("<script>"));
    assert!(out.text.contains("Hello <script>alert('x')</script>,"));
}

#[test]
fn urls_print_as_written_in_html() {
    let out = rendered(Event::Invitation);
    assert!(
        out.html
            .contains(r#"href="https://wla.example.org/accept-invite?token="#)
    );
}

#[test]
fn html_may_not_opt_out_of_escaping() {
    let event = Event::Invitation;
    for html in [
        "<p>{{ recipient_name|safe }}</p>",
        "{%- autoescape false %}<p>{{ recipient_name }}</p>{% endautoescape %}",
    ] {
        assert_eq!(
            problem_fields(check(&with_html(event, html), event)).len(),
            1,
            "{html}"
        );
    }
}

#[test]
fn an_unknown_variable_is_reported_for_its_field() {
    let event = Event::PasswordReset;
    let source = Source {
        text: "Hello {{ recipient_nmae }}".into(),
        ..default_source(event)
    };

    let problems = check(&source, event).unwrap_err();

    assert_eq!(problems.len(), 1);
    assert_eq!(
        (problems[0].field, problems[0].code),
        ("text", "unknown_variable")
    );
    assert!(
        problems[0].message.contains("recipient_nmae"),
        "{}",
        problems[0].message
    );
}

#[test]
fn an_unknown_variable_in_a_branch_the_sample_skips_is_still_reported() {
    let event = Event::ApplicationDecision;
    let html = r#"{% if decision == "declined" %}{{ reason }}{% endif %}"#;

    assert_eq!(
        problem_fields(check(&with_html(event, html), event)),
        [("html", "unknown_variable")]
    );
}

#[test]
fn a_syntax_error_is_reported_for_its_field() {
    let event = Event::MatchPublished;
    let source = Source {
        subject: "Meet {{ partner_name ".into(),
        ..default_source(event)
    };

    let problems = check(&source, event).unwrap_err();

    assert_eq!(problems.len(), 1);
    assert_eq!((problems[0].field, problems[0].code), ("subject", "syntax"));
    assert!(
        problems[0].message.contains("line 1"),
        "{}",
        problems[0].message
    );
}

#[test]
fn render_refuses_a_context_that_lacks_a_variable() {
    let event = Event::Invitation;
    let mut ctx = sample_context(event);
    ctx.as_object_mut().unwrap().remove("accept_url");

    let err = render(&default_source(event), &ctx).unwrap_err();

    assert_eq!(err.field, "text");
    assert!(
        err.to_string()
            .starts_with("text template: undefined value"),
        "{err}"
    );
}

#[test]
fn empty_and_oversized_fields_are_refused() {
    let event = Event::Invitation;
    let source = Source {
        subject: "  ".into(),
        text: "x".repeat(MAX_SOURCE_CHARS + 1),
        html: String::new(),
    };

    assert_eq!(
        problem_fields(check(&source, event)),
        [
            ("subject", "required"),
            ("text", "length"),
            ("html", "required")
        ]
    );
}

#[test]
fn a_runaway_loop_fails_instead_of_hanging() {
    let event = Event::Invitation;
    let html = "{% for a in range(10000) %}{% for b in range(10000) %}x{% endfor %}{% endfor %}";

    assert_eq!(
        problem_fields(check(&with_html(event, html), event)),
        [("html", "render")]
    );
}

#[test]
fn reminders_end_with_the_unsubscribe_link() {
    for event in Event::ALL.into_iter().filter(|e| e.is_reminder()) {
        let url = sample_context(event)["unsubscribe_url"]
            .as_str()
            .unwrap()
            .to_owned();
        let out = rendered(event);

        assert!(out.text.trim_end().ends_with(&url), "{event:?}");
        let last_link = out.html.rsplit("href=\"").next().unwrap();
        assert!(last_link.starts_with(&url), "{event:?}");
    }
}

#[test]
fn a_reminder_override_without_the_unsubscribe_link_is_refused() {
    let event = Event::ApplicationsClosing;
    let source = Source {
        text: "Apply: {{ apply_url }}".into(),
        ..default_source(event)
    };

    assert_eq!(
        problem_fields(check(&source, event)),
        [("text", "unsubscribe")]
    );
}

#[test]
fn the_subject_is_one_line_of_at_most_200_characters() {
    for event in Event::ALL {
        assert!(!rendered(event).subject.contains('\n'), "{event:?}");
    }
    let event = Event::Invitation;
    let long = Source {
        subject: "Hello\r\n  {{ recipient_name }}\n{% for i in range(300) %}ab {% endfor %}".into(),
        ..default_source(event)
    };

    let subject = render(&long, &sample_context(event)).unwrap().subject;

    assert!(subject.starts_with("Hello Ada Lovelace ab ab"), "{subject}");
    assert!(subject.chars().count() <= MAX_SUBJECT_CHARS, "{subject}");
    assert!(subject.ends_with('…'), "{subject}");
    assert!(!subject.contains(['\r', '\n']));
}

#[test]
fn the_decision_changes_what_the_message_says() {
    let event = Event::ApplicationDecision;
    let texts: Vec<String> = ["accepted", "waitlisted", "declined"]
        .into_iter()
        .map(|decision| {
            let mut ctx = sample_context(event);
            ctx["decision"] = json!(decision);
            render(&default_source(event), &ctx).unwrap().text
        })
        .collect();

    assert!(texts[0].contains("accepted your"));
    assert!(texts[1].contains("waiting list"));
    assert!(texts[2].contains("not able to offer you a"));
}

#[test]
fn the_variables_are_the_sample_contexts_keys() {
    for event in Event::ALL {
        let sample = sample_context(event);
        let keys: Vec<&str> = sample
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(variables(event), keys.as_slice(), "{event:?}");
        for common in ["program_name", "base_url", "recipient_name"] {
            assert!(keys.contains(&common), "{event:?}");
        }
        assert_eq!(
            keys.contains(&"unsubscribe_url"),
            event.is_reminder(),
            "{event:?}"
        );
    }
}
