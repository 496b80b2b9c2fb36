/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every step kind of the case language, one line each: its name in case
 * files (and VF_OP_<name>), the descriptor its file under harness/steps/
 * defines (vf_step_<desc>), and the names of its flags= and op= values
 * (harness/lang/names.c; NULL flags: the dirty-tracking flags', NULL op: it
 * has no op=). This list makes enum vf_op, the op names (which the
 * interposer shares without the executor) and the registry; adding a step
 * kind is a new file with its descriptor plus its line here (CONTRIBUTING.md,
 * "Adding a step kind").
 *
 * The order is the fuzzer's: its generator walks the kinds in this order
 * with their weights, so moving a line changes every generated sequence.
 */
VF_STEP_KIND(SET_CREDS, set_creds, NULL, NULL)
VF_STEP_KIND(CLOSE, close, NULL, NULL)
VF_STEP_KIND(MDEV_DMA, mdev_dma, NULL, vf_mdev_op_names)
VF_STEP_KIND(IOMMU_MAP_DMA, map_dma, vf_map_flag_names, NULL)
VF_STEP_KIND(IOMMU_UNMAP_DMA, unmap_dma, vf_unmap_flag_names, NULL)
VF_STEP_KIND(MAPPED, mapped, NULL, NULL)
VF_STEP_KIND(IOMMU_GET_INFO, get_info, NULL, NULL)
VF_STEP_KIND(IOMMU_DIRTY_PAGES, dirty_pages, vf_dirty_flag_names, NULL)
VF_STEP_KIND(GROUP_SET_CONTAINER, group_set_container, NULL, NULL)
VF_STEP_KIND(GROUP_UNSET_CONTAINER, group_unset_container, NULL, NULL)
VF_STEP_KIND(GROUP_GET_STATUS, group_get_status, NULL, NULL)
VF_STEP_KIND(GROUP_GET_DEVICE_FD, group_get_device_fd, NULL, NULL)
VF_STEP_KIND(SET_IOMMU, set_iommu, NULL, NULL)
VF_STEP_KIND(CHECK_EXTENSION, check_extension, NULL, NULL)
VF_STEP_KIND(GET_API_VERSION, get_api_version, NULL, NULL)
VF_STEP_KIND(IOMMU_VFIO_IOAS, vfio_ioas, NULL, vf_ioas_op_names)
VF_STEP_KIND(OPEN_CONTAINER, open_container, NULL, NULL)
VF_STEP_KIND(OPEN_GROUP, open_group, NULL, NULL)
VF_STEP_KIND(FORK, fork, NULL, NULL)
VF_STEP_KIND(EXIT, exit, NULL, NULL)
VF_STEP_KIND(UNBIND, unbind, NULL, NULL)
VF_STEP_KIND(BIND, bind, NULL, NULL)
VF_STEP_KIND(IOMMU_IOAS_ALLOC, ioas_alloc, NULL, NULL)
VF_STEP_KIND(IOMMU_IOAS_MAP, ioas_map, vf_ioas_map_flag_names, NULL)
VF_STEP_KIND(IOMMU_IOAS_UNMAP, ioas_unmap, NULL, NULL)
VF_STEP_KIND(IOMMU_DESTROY, destroy, NULL, NULL)
VF_STEP_KIND(IOCTL, ioctl, NULL, NULL)
VF_STEP_KIND(DEVICE_DMA, device_dma, NULL, vf_dma_op_names)
