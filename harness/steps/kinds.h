/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every step kind of the case language, one line each: its name in case
 * files (and VF_OP_<name>) and the descriptor its file under harness/steps/
 * defines (vf_step_<desc>). This list makes enum vf_op and the registry;
 * adding a step kind is a new file with its descriptor plus its line here
 * (CONTRIBUTING.md, "Adding a step kind").
 *
 * The order is the fuzzer's: its generator walks the kinds in this order
 * with their weights, so moving a line changes every generated sequence.
 */
VF_STEP_KIND(SET_CREDS, set_creds)
VF_STEP_KIND(CLOSE, close)
VF_STEP_KIND(MDEV_DMA, mdev_dma)
VF_STEP_KIND(IOMMU_MAP_DMA, map_dma)
VF_STEP_KIND(IOMMU_UNMAP_DMA, unmap_dma)
VF_STEP_KIND(MAPPED, mapped)
VF_STEP_KIND(IOMMU_GET_INFO, get_info)
VF_STEP_KIND(IOMMU_DIRTY_PAGES, dirty_pages)
VF_STEP_KIND(GROUP_SET_CONTAINER, group_set_container)
VF_STEP_KIND(GROUP_UNSET_CONTAINER, group_unset_container)
VF_STEP_KIND(GROUP_GET_STATUS, group_get_status)
VF_STEP_KIND(GROUP_GET_DEVICE_FD, group_get_device_fd)
VF_STEP_KIND(SET_IOMMU, set_iommu)
VF_STEP_KIND(CHECK_EXTENSION, check_extension)
VF_STEP_KIND(GET_API_VERSION, get_api_version)
VF_STEP_KIND(IOMMU_VFIO_IOAS, vfio_ioas)
VF_STEP_KIND(OPEN_CONTAINER, open_container)
VF_STEP_KIND(OPEN_GROUP, open_group)
VF_STEP_KIND(FORK, fork)
VF_STEP_KIND(EXIT, exit)
VF_STEP_KIND(UNBIND, unbind)
VF_STEP_KIND(BIND, bind)
VF_STEP_KIND(IOMMU_IOAS_ALLOC, ioas_alloc)
VF_STEP_KIND(IOMMU_IOAS_MAP, ioas_map)
VF_STEP_KIND(IOMMU_IOAS_UNMAP, ioas_unmap)
VF_STEP_KIND(IOMMU_DESTROY, destroy)
VF_STEP_KIND(IOCTL, ioctl)
