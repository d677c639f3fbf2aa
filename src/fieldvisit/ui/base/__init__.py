"""What every part of the window stands on: the context, the worker, the change signal,
errors, icons, translations and the saves that wait."""
