"""The OAuth2 provider of the brand realms: /accounts/signin/v1/{brand}/oauth2/authorize and /token."""
