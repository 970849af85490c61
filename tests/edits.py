"""Edits as a browser or an API client makes them: with the version the record was read at
(msc_portal.concurrency)."""

from msc_portal.concurrency import VERSION_FIELD


def edit_version(client, url, form="form") -> dict:
    """The hidden version field of an edit page's form, to post back with the edit."""
    bound = client.get(url).context[form]
    return {bound.add_prefix(VERSION_FIELD): bound[VERSION_FIELD].value()}


def if_match(api_client, url) -> dict:
    """The If-Match header an API client sends after reading the record."""
    return {"HTTP_IF_MATCH": api_client.get(url)["ETag"]}
