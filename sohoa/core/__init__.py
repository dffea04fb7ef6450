"""The Qt-free core: model, errors, i18n, config, paths, store and the progress contract."""
