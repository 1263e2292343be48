from django.dispatch import Signal

# Sent with creative_id when a reader follows an ad's link; counting hooks in here.
ad_clicked = Signal()
