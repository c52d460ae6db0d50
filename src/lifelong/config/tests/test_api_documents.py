from __future__ import annotations


def test_openapi_document_is_served_and_lists_the_api(api):
    response = api.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Lifelong API"
    assert "/api/v1/auth/token" in document["paths"]
    assert "/api/v1/me" in document["paths"]


def test_openapi_document_declares_bearer_tokens(api):
    document = api.get("/api/v1/openapi.json").json()

    schemes = document["components"]["securitySchemes"]
    assert any(s.get("type") == "http" and s.get("scheme") == "bearer" for s in schemes.values())
    me = document["paths"]["/api/v1/me"]["get"]
    assert me["security"], "GET /me must declare that it needs a token"


def test_interactive_docs_page_is_served(api):
    response = api.get("/api/v1/docs")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"openapi.json" in response.content
