from django.urls import path

from masthead.news import feeds, sitemaps, views

app_name = "news"
urlpatterns = [
    path("latest/", views.latest, name="latest"),
    path("staff-picks/", views.staff_picks, name="staff_picks"),
    path("tag/<str:slug>/", views.tag, name="tag"),
    path("author/<slug:slug>/", views.author, name="author"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap_index"),
    path("sitemap-news.xml", sitemaps.news_sitemap, name="news_sitemap"),
    path("sitemaps/pages.xml", sitemaps.pages_sitemap, name="pages_sitemap"),
    path("sitemaps/articles-<int:year>-<int:month>.xml", sitemaps.month_sitemap, name="month_sitemap"),
    path("sitemaps/articles-<int:year>-<int:month>-<int:part>.xml", sitemaps.month_sitemap, name="month_sitemap_part"),
    path("feed/", feeds.SiteFeed(), name="feed"),
    path("feed/atom/", feeds.atom(feeds.SiteFeed)(), name="feed_atom"),
    path("tag/<str:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tag/<str:slug>/feed/atom/", feeds.atom(feeds.TagFeed)(), name="tag_feed_atom"),
    path("author/<slug:slug>/feed/", feeds.AuthorFeed(), name="author_feed"),
    path("author/<slug:slug>/feed/atom/", feeds.atom(feeds.AuthorFeed)(), name="author_feed_atom"),
    path("<slug:section>/feed/", views.section_feed, name="section_feed"),
    path("<slug:section>/feed/atom/", views.section_feed, {"atom": True}, name="section_feed_atom"),
    path("fragments/article/<int:pk>/", views.article_fragment, name="article_fragment"),
]
