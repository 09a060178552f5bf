"""The books' side of the product: chart of accounts, layouts, settings and the
beancount plugins that check the books. Depends only on beancount."""
