import importlib

from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from openapi_spec_validator import validate
from rest_framework import serializers

from tests.centres.factories import PartnerOrganisationFactory
from tests.edits import if_match


def test_it_asks_the_anonymous_to_authenticate_in_the_api_format(api_client, centre_a):
    response = api_client.get(reverse("api:centre-list"))
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_it_lists_centres_filtered_and_paginated(api_client, expert, centre_a, centre_a2, centre_b):
    api_client.force_authenticate(expert)
    body = api_client.get(reverse("api:centre-list"), {"country": "RS"}).json()
    assert body["count"] == 2
    assert {c["code"] for c in body["results"]} == {"NS", "NI"}
    assert body["results"][0]["country"] == {"code": "RS", "name": "Serbia"}


def test_it_answers_a_bad_filter_with_field_errors(api_client, expert, centre_a):
    api_client.force_authenticate(expert)
    response = api_client.get(reverse("api:partnerorganisation-list"), {"service": "catering"})
    assert response.status_code == 400
    assert "service" in response.json()


def test_it_takes_only_iso_dates_in_date_filters(api_client, counsellor_a):
    api_client.force_authenticate(counsellor_a)
    url = reverse("api:session-list")
    assert api_client.get(url, {"date_after": "2026-11-24"}).status_code == 200
    refused = api_client.get(url, {"date_after": "24.11.2026"})
    assert refused.status_code == 400
    assert "date_after" in refused.json()


def test_it_matches_nothing_for_a_free_text_filter_that_names_nothing(api_client, expert, centre_a):
    # The schema documents the country and city as strings and a sector as an id, not as the
    # values in the database today: any of those is a valid question, answered by no rows.
    api_client.force_authenticate(expert)
    for url, query in [
        ("api:centre-list", {"country": "FR"}),
        ("api:centre-list", {"city": "I"}),
        ("api:need-list", {"sector": 999999}),
        ("api:application-list", {"need": 999999}),
    ]:
        response = api_client.get(reverse(url), query)
        assert response.status_code == 200, (url, query)
        assert response.json()["count"] == 0, (url, query)


def test_it_refuses_an_id_filter_that_is_not_a_whole_number(api_client, expert, centre_a):
    api_client.force_authenticate(expert)
    response = api_client.get(reverse("api:need-list"), {"sector": "1.5"})
    assert response.status_code == 400
    assert "sector" in response.json()


def test_it_filters_partner_organisations_by_service(api_client, counsellor_a, db):
    legal = PartnerOrganisationFactory(services=["legal", "consular"])
    PartnerOrganisationFactory(services=["training"])
    api_client.force_authenticate(counsellor_a)
    body = api_client.get(reverse("api:partnerorganisation-list"), {"service": "legal"}).json()
    assert [p["id"] for p in body["results"]] == [legal.pk]


def test_it_tells_me_who_i_am_and_what_i_may_see(api_client, coordinator_a):
    api_client.force_authenticate(coordinator_a)
    body = api_client.get(reverse("api:me")).json()
    assert body["role"] == "country_coordinator"
    assert body["scope"] == {"centre_ids": [], "country": "RS", "whole_network": False}
    assert "view_centre_statistics" in body["permissions"]


def test_it_updates_my_profile_but_not_my_role(api_client, counsellor_a):
    api_client.force_authenticate(counsellor_a)
    response = api_client.patch(
        reverse("api:me"),
        {"full_name": "J. Petrović", "role": "programme_manager"},
        **if_match(api_client, reverse("api:me")),
    )
    assert response.status_code == 200
    counsellor_a.refresh_from_db()
    assert counsellor_a.full_name == "J. Petrović"
    assert counsellor_a.role == "counsellor"


def test_it_rejects_a_bad_profile_update_with_field_errors(api_client, counsellor_a):
    api_client.force_authenticate(counsellor_a)
    url = reverse("api:me")
    response = api_client.patch(url, {"timezone": "Nowhere/Atlantis"}, **if_match(api_client, url))
    assert response.status_code == 400
    assert list(response.json()) == ["timezone"]


def test_it_answers_unknown_api_paths_in_json(client, db):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_it_publishes_a_valid_openapi_3_schema(client, db):
    response = client.get(reverse("api:schema"), {"format": "json"})
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/centres/" in schema["paths"]
    assert "/api/v1/me/" in schema["paths"]


def test_it_describes_every_endpoint_without_schema_warnings(tmp_path, db):
    from django.core.management import call_command

    # --fail-on-warn: an endpoint the schema cannot describe would mislead API users.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert "/api/v1/visitors/" in (tmp_path / "s.yml").read_text()


def test_it_documents_the_error_answers_of_every_operation(client, db):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    validate(schema)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "429" in codes, (method, path)
            if {} not in operation.get("security", []):
                assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "put", "patch"):
                assert "400" in codes, (method, path)
    visitors = schema["paths"]["/api/v1/visitors/{code}/"]["get"]["responses"]
    assert visitors["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_it_documents_a_page_past_the_last_and_fields_that_may_be_empty(client, db):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    centres = schema["paths"]["/api/v1/centres/"]["get"]
    assert "page" in {p["name"] for p in centres["parameters"]}
    assert "404" in centres["responses"]
    demand = schema["components"]["schemas"]["SkillDemand"]["properties"]
    assert all(demand[field]["nullable"] for field in ("isco_group", "occupation", "skill"))
    email = schema["components"]["schemas"]["Visitor"]["properties"]["email"]
    assert {"type": "string", "maxLength": 0} in email["oneOf"]


def test_it_refuses_a_yes_or_no_filter_or_page_size_it_would_otherwise_ignore(
    api_client, expert, centre_a
):
    # Read as "either" or "the default", these would answer a question the caller did not ask.
    api_client.force_authenticate(expert)
    for query, field in [({"is_active": "1"}, "is_active"), ({"page_size": "lots"}, "page_size")]:
        response = api_client.get(reverse("api:centre-list"), query)
        assert response.status_code == 400, query
        assert field in response.json(), query
    body = api_client.get(reverse("api:centre-list"), {"is_active": "false"}).json()
    assert body["count"] == 0
    assert api_client.get(reverse("api:centre-list"), {"page_size": 9999}).status_code == 200


def _may_be_null(model, source: str) -> bool:
    """Whether a model attribute path crosses a field that may be null (None on the way)."""
    for attr in source.split("."):
        try:
            field = model._meta.get_field(attr)
        except FieldDoesNotExist:
            return False
        if field.null:
            return True
        model = field.related_model
    return False


def test_it_marks_every_field_that_may_be_null():
    # A read-only field declared by hand forgets the model's null=True unless told: the schema
    # would then promise a string where the API answers null.
    forgotten = []
    for app in ["accounts", "centres", "counselling", "reports", "returns", "skills"]:
        module = importlib.import_module(f"{app}.api.serializers")
        for serializer_class in vars(module).values():
            if not (
                isinstance(serializer_class, type)
                and issubclass(serializer_class, serializers.ModelSerializer)
                and serializer_class.__module__ == module.__name__
            ):
                continue
            for name, field in serializer_class().fields.items():
                if not field.read_only or field.source == "*" or field.allow_null:
                    continue
                if _may_be_null(serializer_class.Meta.model, field.source):
                    forgotten.append(f"{serializer_class.__name__}.{name}")
    assert forgotten == []
